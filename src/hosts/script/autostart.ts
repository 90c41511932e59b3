/**
 * Entry of `dist/klaviyo-device-mode.iife.js`, the script-tag host. It starts itself from the
 * `data-*` attributes of its own `<script>` (merged over `window.klaviyoDeviceModeOptions` and over a
 * `load(options)` queued by the inline snippet), replaces the snippet's queue with the real API at
 * `window.klaviyoDeviceMode`, and replays the queued calls in order.
 */
import { LOG_PREFIX } from '../../logger/createLogger.js';
import { say } from '../../logger/say.js';
import { createKlaviyo, type KlaviyoAnalytics } from '../analytics/createKlaviyo.js';
import { misspeltAttributes, optionsFromDataset } from './optionsFromDataset.js';

/** The global the snippet and the bundle share. */
export const GLOBAL_NAME = 'klaviyoDeviceMode';
const METHODS = [
  'page',
  'identify',
  'track',
  'group',
  'screen',
  'alias',
  'reset',
  'ready',
  'grantConsent',
  'denyConsent',
] as const;

type Queued = [string, ...unknown[]];

function start(): void {
  const w = window as unknown as Record<string, unknown>;
  const existing = w[GLOBAL_NAME] as (Queued[] & { __started?: boolean }) | KlaviyoAnalytics | undefined;
  if (existing && !Array.isArray(existing)) return; // already started (the bundle was included twice)
  const queued: Queued[] = Array.isArray(existing) ? existing.filter(Array.isArray) : [];
  const own =
    (document.currentScript as HTMLScriptElement | null) ??
    document.querySelector<HTMLScriptElement>('script[data-public-api-key]');
  const load = queued.find((c) => c[0] === 'load');
  const pageOptions = w.klaviyoDeviceModeOptions;
  const options = {
    ...(pageOptions && typeof pageOptions === 'object' ? pageOptions : {}),
    ...(load && load[1] && typeof load[1] === 'object' ? load[1] : {}),
    ...optionsFromDataset(own?.dataset),
  };
  const api = createKlaviyo(options as never);
  api.core.explain(misspeltAttributes(own?.dataset).map(([wrong, meant]) => [['unknownAttribute', wrong, meant]]));
  w[GLOBAL_NAME] = { ...api, load: () => api.core.logger.warn(say('alreadyStarted')) };
  for (const [method, ...args] of queued) {
    if ((METHODS as readonly string[]).includes(method))
      (api[method as (typeof METHODS)[number]] as (...a: unknown[]) => void)(...args);
  }
}

try {
  start();
} catch (error) {
  try {
    console.error(`${LOG_PREFIX} ${say('couldNotStart')}`, error);
  } catch {
    // nothing more we can do without risking the host page
  }
}
