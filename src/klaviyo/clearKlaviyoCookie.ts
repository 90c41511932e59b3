/** Klaviyo's first-party identity cookie. */
export const KLAVIYO_COOKIE = '__kla_id';
/** Klaviyo's documented opt-out cookie: with `__kla_off=true`, klaviyo.js stays on the page but tracks nothing. */
export const KLAVIYO_OFF_COOKIE = '__kla_off';

const EXPIRED = 'expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';

/** Write `cookie` for this host and expire it on each parent domain too (where Klaviyo may have set it). */
function eachDomain(doc: Document, cookie: string): void {
  const parts = doc.location.hostname.split('.');
  doc.cookie = cookie;
  for (let i = 0; i < parts.length - 1; i++) doc.cookie = `${cookie}; domain=.${parts.slice(i).join('.')}`;
}

/**
 * Expire Klaviyo's identity cookie on this host and on each parent domain, so that events after a
 * logout are not attributed to the previous profile. klaviyo.js then starts a new anonymous visitor.
 */
export function clearKlaviyoCookie(doc: Document | undefined): void {
  if (!doc?.location) return;
  eachDomain(doc, `${KLAVIYO_COOKIE}=; ${EXPIRED}`);
}

/** Turn Klaviyo's own tracking off (`__kla_off=true`, consent withdrawn) or back on. */
export function setKlaviyoOff(doc: Document | undefined, off: boolean): void {
  if (!doc?.location) return;
  if (off) doc.cookie = `${KLAVIYO_OFF_COOKIE}=true; path=/; SameSite=Lax`;
  else doc.cookie = `${KLAVIYO_OFF_COOKIE}=; ${EXPIRED}`;
}
