import { pageNonce } from '../klaviyo/KlaviyoLoader.js';
import type { LoadLowerTiers, LowerTiersModule } from '../tiers/LowerTiers.js';

/** The chunk's file name, beside the browser file that loads it (`dist/`). */
const CHUNK_FILE = 'klaviyo-device-mode.tiers.js';
/** The global the chunk's IIFE defines. */
const CHUNK_GLOBAL = 'klaviyoDeviceModeTiers';
/** The chunk's SHA-384 (base64): the build writes it here, in place of this 64-character mark. */
const CHUNK_SHA384 = '%%KDM_TIERS_SHA384%%____________________________________________';

/** Our own `<script>`, known only while the bundle is evaluated. */
const own = typeof document === 'object' ? (document.currentScript as HTMLScriptElement | null) : null;

/** The chunk on its way: one `<script>` however many ask, and a failure stands for this page. */
let brought: Promise<LowerTiersModule> | undefined;

/**
 * Brings the lower tiers into the browser files (`Klaviyo.min.js`, the IIFE; the build puts this in
 * place of the dynamic import): a `<script>` for the chunk from the same base URL, with the same query
 * and nonce, as the bundle itself was loaded, and its integrity when the bundle was loaded with one.
 * Rejects when the chunk cannot be loaded.
 */
export const loadLowerTiers: LoadLowerTiers = (win) =>
  (brought ??= new Promise<LowerTiersModule>((resolve, reject) => {
    const w = win as unknown as Record<string, LowerTiersModule | undefined>;
    const take = () => (w[CHUNK_GLOBAL] ? resolve(w[CHUNK_GLOBAL]) : reject(new Error(`${CHUNK_FILE} is not ours`)));
    if (w[CHUNK_GLOBAL]) return take();
    if (!own?.src) return reject(new Error(`no base URL for ${CHUNK_FILE}`));
    const doc = win.document;
    const script = doc.createElement('script');
    script.async = true;
    // The file name replaced, the query kept (a version or cache key applies to the chunk too).
    script.src = own.src.replace(/[^/?#]*(?=[?#]|$)/, CHUNK_FILE);
    const nonce = own.nonce || pageNonce(doc);
    if (nonce) script.nonce = nonce;
    // A bundle pinned with Subresource Integrity pins its chunk too (its CDN already answers CORS).
    if (own.integrity) {
      script.integrity = `sha384-${CHUNK_SHA384}`;
      script.crossOrigin = own.crossOrigin ?? 'anonymous';
    }
    script.onload = take;
    script.onerror = () => reject(new Error(`${script.src} did not load`));
    (doc.head || doc.documentElement).appendChild(script);
  }));
