import type { KlaviyoOptions } from '../../config/KlaviyoOptions.js';
import { DeviceMode, type DeviceModeDeps } from '../../core/DeviceMode.js';
import { asObject, field } from '../../mapping/readFields.js';
import { handOver } from './handOver.js';

/** What the SDK passes as each event method's third argument. */
export interface RudderStackEvent {
  message: unknown;
}

/**
 * The integration as RudderStack's JS SDK (≥ 3.23) takes a custom device-mode integration:
 * `rudderanalytics.addCustomIntegration(destinationId, integration)`, called before `load()`, on a
 * "Custom Device Mode" destination. Each method takes the SDK's `(analytics, logger, event)`.
 */
export interface RudderStackIntegration {
  /** True right after `init()`: calls are queued while klaviyo.js loads, so the SDK never waits or drops. */
  isReady: (analytics?: unknown, logger?: unknown) => boolean;
  /** Starts loading klaviyo.js; the destination's config supplies its consent settings. */
  init: (destinationConfig?: unknown, analytics?: unknown, logger?: unknown) => void;
  identify: (analytics: unknown, logger: unknown, event: RudderStackEvent) => void;
  track: (analytics: unknown, logger: unknown, event: RudderStackEvent) => void;
  page: (analytics: unknown, logger: unknown, event: RudderStackEvent) => void;
  group: (analytics: unknown, logger: unknown, event: RudderStackEvent) => void;
  alias: (analytics: unknown, logger: unknown, event: RudderStackEvent) => void;
  /** The shared device-mode core. */
  readonly core: DeviceMode;
}

/**
 * Our Klaviyo integration for RudderStack's supported custom-integration API, so a RudderStack user
 * adds it without moving every other integration to a new `destSDKBaseURL`:
 *
 * ```js
 * rudderanalytics.addCustomIntegration('<Custom Device Mode destination id>', createRudderStackIntegration({ publicApiKey: 'AbC123' }));
 * rudderanalytics.load(WRITE_KEY, DATA_PLANE_URL);
 * ```
 *
 * The options are this package's (the custom destination has no Klaviyo fields). A message whose
 * denied consents rule out the destination's configured consents is dropped, as in the slot.
 */
export function createRudderStackIntegration(
  options: KlaviyoOptions,
  deps: DeviceModeDeps = {},
): RudderStackIntegration {
  const core = new DeviceMode(options, deps);
  let destination: Record<string, unknown> = {};
  let sdk: unknown;
  core.identifyFromForms(() => sdk);
  const take = (_analytics: unknown, _logger: unknown, event: RudderStackEvent): void =>
    handOver(core, field(event, 'message'), destination);
  return {
    core,
    isReady: () => core.acceptsCalls,
    init: (destinationConfig, analytics) => {
      destination = asObject(destinationConfig) ?? {};
      sdk = analytics;
      core.start();
    },
    identify: take,
    track: take,
    page: take,
    group: take,
    alias: take,
  };
}
