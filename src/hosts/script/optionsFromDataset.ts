import type { KlaviyoOptions } from '../../config/KlaviyoOptions.js';
import { dataAttribute } from '../../config/dataAttribute.js';

/**
 * The `data-*` attributes this package reads (as `dataset` keys), in the order a misspelt one is
 * matched against: `text` (blank counts as absent), `flag` (`"false"` is false, any other value or the
 * bare attribute true), `cloud` (cloud mode's two).
 */
const ATTRIBUTES: Record<string, 'text' | 'flag' | 'cloud'> = {
  publicApiKey: 'text',
  dataPlaneUrl: 'cloud',
  writeKey: 'cloud',
  sendPageAsTrack: 'flag',
  additionalPageInfo: 'flag',
  enforceEmailAsPrimary: 'flag',
  requireConsent: 'flag',
  listId: 'text',
  loadTimeoutMs: 'text',
  clientApi: 'flag',
  identifyFromForms: 'flag',
  logLevel: 'text',
  nonce: 'text',
};
const KNOWN = Object.keys(ATTRIBUTES);

/**
 * Options from the `data-*` attributes of the package's own `<script>`:
 * `data-public-api-key`, `data-data-plane-url` + `data-write-key` (cloud mode), `data-send-page-as-track`,
 * `data-additional-page-info`, `data-enforce-email-as-primary`, `data-list-id`, `data-require-consent`,
 * `data-load-timeout-ms`, `data-client-api`, `data-identify-from-forms`, `data-log-level`, `data-nonce`. Booleans are `"true"`/`"false"` (or present = true).
 */
export function optionsFromDataset(dataset: DOMStringMap | undefined): Partial<KlaviyoOptions> {
  if (!dataset) return {};
  const out: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(ATTRIBUTES)) {
    const value = dataset[key];
    if (kind === 'text' && value) out[key] = value;
    if (kind === 'flag' && value !== undefined) out[key] = value !== 'false';
  }
  if (dataset.dataPlaneUrl || dataset.writeKey)
    out.cloudMode = { dataPlaneUrl: dataset.dataPlaneUrl, writeKey: dataset.writeKey };
  return out;
}

/**
 * Attributes of our `<script>` that look like a misspelt option (`data-api-key`), each with the
 * attribute meant (`data-public-api-key`). Other tools' attributes (`data-cfasync`) are left alone.
 */
export function misspeltAttributes(dataset: DOMStringMap | undefined): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const key of Object.keys(dataset ?? {})) {
    if (KNOWN.includes(key)) continue;
    const lower = key.toLowerCase();
    const meant = KNOWN.find((k) => {
      const known = k.toLowerCase();
      return known.includes(lower) || lower.includes(known) || distance(known, lower) <= 2;
    });
    if (meant) out.push([dataAttribute(key), dataAttribute(meant)]);
  }
  return out;
}

/** Edit distance between two short strings. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}
