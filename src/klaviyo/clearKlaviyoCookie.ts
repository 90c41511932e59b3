/** Klaviyo's first-party identity cookie. */
export const KLAVIYO_COOKIE = '__kla_id';

/**
 * Expire Klaviyo's identity cookie on this host and on each parent domain, so that events after a
 * logout are not attributed to the previous profile. klaviyo.js then starts a new anonymous visitor.
 */
export function clearKlaviyoCookie(doc: Document | undefined): void {
  if (!doc || !doc.location) return;
  const parts = doc.location.hostname.split('.');
  const expired = `${KLAVIYO_COOKIE}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  doc.cookie = expired;
  for (let i = 0; i < parts.length - 1; i++) doc.cookie = `${expired}; domain=.${parts.slice(i).join('.')}`;
}
