import type { KlaviyoOptions } from '../../config/KlaviyoOptions.js';
import { LIBRARY_VERSION } from '../../version.js';
import { DeviceMode, type DeviceModeDeps } from '../../core/DeviceMode.js';
import type { RudderMessage } from '../../mapping/types.js';

/** The part of an analytics-next `Context` the plugin reads: its `event`, any object. */
export interface SegmentContext {
  event: object;
}

/** One event method: takes analytics-next's `Context` (or anything with an `event`) and returns it unchanged. */
export type SegmentEventMethod = <C extends SegmentContext>(ctx: C) => C;

/**
 * A Segment analytics-next destination plugin. Assignable to analytics-next's `Plugin` (checked by a
 * strict type test), without this package depending on analytics-next's types.
 */
export interface SegmentPlugin {
  name: 'Klaviyo';
  type: 'destination';
  version: string;
  isLoaded: () => boolean;
  load: (ctx: SegmentContext, analytics: unknown) => Promise<void>;
  ready: () => Promise<void>;
  track: SegmentEventMethod;
  identify: SegmentEventMethod;
  page: SegmentEventMethod;
  group: SegmentEventMethod;
  alias: SegmentEventMethod;
  screen: SegmentEventMethod;
  /** The shared device-mode core. */
  readonly core: DeviceMode;
}

/**
 * The integration as an analytics-next destination plugin: `analytics.register(createSegmentPlugin({ publicApiKey }))`.
 * Calls are accepted before `load()` and while klaviyo.js loads (the core queues them in order);
 * `ctx.event` is read, never changed. Segment's event shape is read as it is: identify traits at
 * `event.traits`, `timestamp` as the capture time.
 */
export function createSegmentPlugin(options: KlaviyoOptions, deps: DeviceModeDeps = {}): SegmentPlugin {
  const core = new DeviceMode(options, deps);
  let host: unknown;
  core.identifyFromForms(() => host);
  const handle = <C extends SegmentContext>(ctx: C): C => {
    const event = ctx?.event as Record<string, unknown> | undefined;
    if (event && typeof event === 'object') {
      // A shallow view with RudderStack's field names; the core copies what it keeps.
      const message: RudderMessage = { ...event, originalTimestamp: event.originalTimestamp ?? event.timestamp };
      core.handle(message);
    } else {
      core.handle(event);
    }
    return ctx;
  };
  return {
    name: 'Klaviyo',
    type: 'destination',
    version: LIBRARY_VERSION,
    core,
    isLoaded: () => core.acceptsCalls,
    load: (_ctx, analytics) => {
      host = analytics;
      core.start();
      return Promise.resolve();
    },
    ready: () => new Promise<void>((resolve) => core.whenSettled(() => resolve())),
    track: handle,
    identify: handle,
    page: handle,
    group: handle,
    alias: handle,
    screen: handle,
  };
}
