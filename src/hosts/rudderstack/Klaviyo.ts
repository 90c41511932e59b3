import type { DeviceModeDeps } from '../../core/DeviceMode.js';
import { DeviceMode } from '../../core/DeviceMode.js';
import { asObject, field } from '../../mapping/readFields.js';
import { browserWindow } from '../../util/browserWindow.js';
import { handOver } from './handOver.js';
import type { RudderMessage } from '../../mapping/types.js';

/** What RudderStack's JS SDK passes to each event method. */
export interface RudderElement {
  message: RudderMessage;
}

/** Page-level options the RudderStack dashboard cannot hold (cloudMode, nonce, eventNames…). */
export const PAGE_OPTIONS_GLOBAL = 'klaviyoDeviceModeOptions';

/**
 * Our Klaviyo integration in RudderStack's JS SDK v3 (and v1.1) device-mode slot, a drop-in for
 * RudderStack's own: the SDK loads `Klaviyo.min.js`, reads `window.Klaviyo_RS.Klaviyo`, constructs it
 * with the destination config, calls `init()` and polls `isReady()`.
 *
 * The dashboard config is used unchanged. Options the dashboard has no field for are read from
 * `window.klaviyoDeviceModeOptions`; a key the dashboard sets wins.
 */
export class Klaviyo {
  /** The destination's name constant, as RudderStack's SDK expects. */
  readonly name = 'KLAVIYO';
  /** The shared device-mode core. */
  readonly core: DeviceMode;
  private readonly dashboard: Record<string, unknown>;

  constructor(config?: unknown, analytics?: unknown, _destinationInfo?: unknown, deps: DeviceModeDeps = {}) {
    const win = browserWindow(deps.window);
    const pageOptions = asObject(field(win, PAGE_OPTIONS_GLOBAL)) ?? {};
    const dashboard = asObject(config) ?? {};
    this.dashboard = dashboard;
    // The SDK's own log level (e.g. 'ERROR') applies unless a level was configured for us.
    const logLevel = dashboard.logLevel ?? pageOptions.logLevel ?? field(analytics, 'logLevel');
    this.core = new DeviceMode({ ...pageOptions, ...dashboard, ...(logLevel ? { logLevel } : {}) }, deps);
    this.core.identifyFromForms(() => analytics);
  }

  /** Called once by the SDK right after construction: starts loading klaviyo.js. */
  init(): void {
    this.core.start();
  }

  /**
   * True as soon as calls can be queued safely, which is right after `init()`: calls made while
   * klaviyo.js loads are queued and replayed (or forwarded if it turns out blocked). The SDK would
   * otherwise wait up to 11 s and then drop every event for this destination.
   */
  isReady(): boolean {
    return this.core.acceptsCalls;
  }

  /** SDK v1.1 polls this instead of `isReady()`; same meaning. */
  isLoaded(): boolean {
    return this.core.acceptsCalls;
  }

  identify(element?: RudderElement): void {
    this.take(element);
  }

  track(element?: RudderElement): void {
    this.take(element);
  }

  page(element?: RudderElement): void {
    this.take(element);
  }

  group(element?: RudderElement): void {
    this.take(element);
  }

  alias(element?: RudderElement): void {
    this.take(element);
  }

  screen(element?: RudderElement): void {
    this.take(element);
  }

  /** Hand a message to the core, unless the consent it carries rules this destination out. */
  private take(element: RudderElement | undefined): void {
    handOver(this.core, field(element, 'message'), this.dashboard);
  }
}
