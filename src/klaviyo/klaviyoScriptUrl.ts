/** Where klaviyo.js is served from. The public key is appended as `company_id`. */
const KLAVIYO_SCRIPT_BASE_URL = 'https://static.klaviyo.com/onsite/js/klaviyo.js';

/** The klaviyo.js URL for a (validated) public key, always `https:` and URL-encoded. */
export function klaviyoScriptUrl(publicApiKey: string): string {
  return `${KLAVIYO_SCRIPT_BASE_URL}?company_id=${encodeURIComponent(publicApiKey)}`;
}

/** Matches klaviyo.js URLs, in both the query and the path form, from either Klaviyo host. */
const KLAVIYO_SCRIPT_PATTERN = /\/\/static(-tracking)?\.klaviyo\.com\/onsite\/js\/([^/?#]+\/)?klaviyo\.js/;

/** The klaviyo.js `<script>` already on the page (put there by a platform app, say), if any. */
export function findKlaviyoScript(doc: Document): HTMLScriptElement | undefined {
  for (const script of Array.from(doc.getElementsByTagName('script'))) {
    if (KLAVIYO_SCRIPT_PATTERN.test(script.src)) return script;
  }
  return undefined;
}
