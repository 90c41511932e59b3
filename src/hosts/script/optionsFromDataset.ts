import type { KlaviyoOptions } from '../../config/KlaviyoOptions.js';

/**
 * Options from the `data-*` attributes of the package's own `<script>`:
 * `data-public-api-key`, `data-data-plane-url` + `data-write-key` (cloud mode), `data-send-page-as-track`,
 * `data-additional-page-info`, `data-enforce-email-as-primary`, `data-list-id`, `data-require-consent`,
 * `data-load-timeout-ms`, `data-client-api`, `data-identify-from-forms`, `data-log-level`, `data-nonce`. Booleans are `"true"`/`"false"` (or present = true).
 */
export function optionsFromDataset(dataset: DOMStringMap | undefined): Partial<KlaviyoOptions> {
  if (!dataset) return {};
  const out: Record<string, unknown> = {};
  const flag = (v: string | undefined) => (v === undefined ? undefined : v !== 'false');
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== '') out[key] = value;
  };
  set('publicApiKey', dataset.publicApiKey);
  set('sendPageAsTrack', flag(dataset.sendPageAsTrack));
  set('additionalPageInfo', flag(dataset.additionalPageInfo));
  set('enforceEmailAsPrimary', flag(dataset.enforceEmailAsPrimary));
  set('requireConsent', flag(dataset.requireConsent));
  set('listId', dataset.listId);
  set('loadTimeoutMs', dataset.loadTimeoutMs);
  set('clientApi', flag(dataset.clientApi));
  set('identifyFromForms', flag(dataset.identifyFromForms));
  set('logLevel', dataset.logLevel);
  set('nonce', dataset.nonce);
  if (dataset.dataPlaneUrl || dataset.writeKey)
    out.cloudMode = { dataPlaneUrl: dataset.dataPlaneUrl, writeKey: dataset.writeKey };
  return out;
}
