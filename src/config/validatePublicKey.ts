/** Klaviyo public API keys ("site IDs") are exactly six letters or digits. */
const PUBLIC_KEY_PATTERN = /^[A-Za-z0-9]{6}$/;

/**
 * Why `value` cannot be used as a Klaviyo public API key, or `undefined` when it can.
 * The key itself never appears in the reason: a private key must not end up in logs either.
 */
export function validatePublicKey(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    return 'publicApiKey is missing: pass the 6-character Klaviyo public API key (site ID).';
  }
  const key = value.trim();
  if (/^pk_/i.test(key)) {
    return (
      'publicApiKey is a Klaviyo PRIVATE API key (pk_...). It must never be put in a browser: ' +
      'revoke it now in Klaviyo (Settings > API keys) and use the 6-character public API key (site ID).'
    );
  }
  if (!PUBLIC_KEY_PATTERN.test(key)) {
    return `publicApiKey must be exactly 6 letters or digits (got ${key.length} characters).`;
  }
  return undefined;
}
