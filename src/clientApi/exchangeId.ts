/**
 * Klaviyo's exchange id for a visitor who came from a Klaviyo email: the landing URL's `_kx`, else
 * the `$exchange_id` in Klaviyo's own cookie (`__kla_id`, base64 JSON). `undefined` when neither is
 * there or readable. Never throws.
 */
export function exchangeId(win: Window | undefined): string | undefined {
  try {
    const fromUrl = new URL(win?.location?.href ?? '').searchParams.get('_kx');
    if (fromUrl) return fromUrl;
  } catch {
    // no usable URL
  }
  try {
    const cookie = /(?:^|;\s*)__kla_id=([^;]+)/.exec(win?.document?.cookie ?? '')?.[1];
    if (!cookie) return undefined;
    const parsed = JSON.parse(atob(decodeURIComponent(cookie))) as { $exchange_id?: unknown };
    return typeof parsed.$exchange_id === 'string' && parsed.$exchange_id ? parsed.$exchange_id : undefined;
  } catch {
    return undefined;
  }
}
