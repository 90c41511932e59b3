import type { ResolvedConfig } from '../config/KlaviyoOptions.js';
import { KlaviyoConfigError, resolveConfig } from '../config/resolveConfig.js';
import { CloudForwarder } from '../cloud/CloudForwarder.js';
import { createUnconfiguredForwarder, type Forwarder } from '../cloud/Forwarder.js';
import { KlaviyoLoader, type LoadStatus } from '../klaviyo/KlaviyoLoader.js';
import { klaviyoWindow } from '../klaviyo/KlaviyoGlobals.js';
import { clearKlaviyoCookie, setKlaviyoOff } from '../klaviyo/clearKlaviyoCookie.js';
import { createLogger, type LogSink, type Logger } from '../logger/createLogger.js';
import { describe } from '../logger/describe.js';
import { say } from '../logger/say.js';
import { mapMessage } from '../mapping/mapMessage.js';
import { toJsonObject } from '../mapping/toJsonValue.js';
import type { KlaviyoCommand, RudderMessage } from '../mapping/types.js';
import { boundedPush } from '../util/boundedPush.js';
import { browserWindow } from '../util/browserWindow.js';
import { CONSENT_PENDING_CALLS_MAX, PENDING_CALLS_MAX } from './coreLimits.js';
import { Gate } from './Gate.js';
import { routeOf } from './routes.js';

/** What {@link DeviceMode} is built with besides the options; every field has a default. */
export interface DeviceModeDeps {
  /** @default globalThis.window */
  window?: Window;
  /** Where log lines go. @default console */
  logSink?: LogSink;
  /** Builds the cloud-mode forwarder. @default a {@link CloudForwarder} when `cloudMode` is set, else one that logs every call as not delivered */
  createForwarder?: (config: ResolvedConfig, logger: Logger) => Forwarder;
}

/** Status of the integration: the klaviyo.js load status, `disabled` on a fatal config error. */
export type DeviceModeStatus = LoadStatus | 'disabled';

interface Pending {
  type: string;
  commands: KlaviyoCommand[];
  /** What to forward if klaviyo.js fails (see {@link DeviceMode.keep}); absent when not forwardable. */
  snapshot?: RudderMessage;
}

/**
 * The device-mode core shared by every host: validates the config once, loads klaviyo.js, maps
 * calls to Klaviyo commands, keeps them in order while klaviyo.js loads, and routes to cloud mode
 * what device mode cannot do (docs/behaviour.md). No method ever throws to the caller.
 */
export class DeviceMode {
  /** The resolved config; `undefined` when the options were unusable (the integration is inert). */
  readonly config: ResolvedConfig | undefined;
  readonly logger: Logger;
  private readonly win: Window;
  private readonly loader: KlaviyoLoader | undefined;
  private readonly forwarder: Forwarder;
  private pending: Pending[] = [];
  /** Calls made before consent was granted: a gate that opens on {@link grantConsent}. */
  private readonly consent: Gate<RudderMessage>;
  private denied = false;
  private lastIdentify: string | undefined;
  private started = false;

  constructor(options: unknown, deps: DeviceModeDeps = {}) {
    this.win = browserWindow(deps.window) as Window;
    const warnings: string[] = [];
    let config: ResolvedConfig | undefined;
    let fatal: string | undefined;
    try {
      config = resolveConfig(options, (w) => warnings.push(w));
    } catch (error) {
      fatal = error instanceof KlaviyoConfigError ? error.message : say('badOptions', error);
    }
    this.config = config;
    this.logger = createLogger(config?.logLevel ?? 'warn', deps.logSink);
    if (fatal) this.logger.error(say('disabled', fatal));
    for (const w of warnings) this.logger.warn(w);
    this.consent = new Gate<RudderMessage>(
      !config?.requireConsent,
      CONSENT_PENDING_CALLS_MAX,
      (message) => this.handle(message),
      () => this.logger.warn(say('consentQueueFull', CONSENT_PENDING_CALLS_MAX)),
    );
    const create = deps.createForwarder ?? defaultForwarder(this.win);
    this.forwarder = config
      ? safeForwarder(create(config, this.logger), this.logger)
      : createUnconfiguredForwarder(this.logger);
    if (config && this.win?.document) {
      this.loader = new KlaviyoLoader(config, this.win, this.logger);
      this.loader.onChange((status) => this.settled(status));
    } else if (config) {
      this.logger.error(say('noWindow'));
    }
  }

  /** `disabled`, or the klaviyo.js load status. */
  get status(): DeviceModeStatus {
    return this.loader ? this.loader.status : 'disabled';
  }

  /** True once {@link start} ran on a usable config: calls are accepted (and queued if need be). */
  get acceptsCalls(): boolean {
    return this.started && !!this.loader;
  }

  /**
   * Call `callback` once klaviyo.js has settled (`ready` or `failed`), or at once when disabled or
   * already settled. Exceptions from `callback` are logged, never thrown.
   */
  whenSettled(callback: (status: DeviceModeStatus) => void): void {
    const call = (status: DeviceModeStatus) => {
      try {
        callback(status);
      } catch (error) {
        this.logger.error(say('readyThrew'), error);
      }
    };
    const status = this.status;
    if (status === 'ready' || status === 'failed' || status === 'disabled') {
      void Promise.resolve().then(() => call(this.status));
      return;
    }
    let done = false;
    this.loader?.onChange((s) => {
      if (!done) {
        done = true;
        call(s);
      }
    });
  }

  /** Start: load klaviyo.js now, or once consent is granted when `requireConsent` is set. */
  start(): void {
    if (this.started || !this.loader) return;
    this.started = true;
    if (this.consent.open) this.loader.start();
  }

  /** Consent given (or given again): load klaviyo.js and let the held calls flow, in order. */
  grantConsent(): void {
    if (!this.loader || (this.consent.open && !this.denied)) return;
    if (this.denied) setKlaviyoOff(this.win?.document, false);
    this.denied = false;
    if (this.started) this.loader.start();
    this.consent.openNow();
  }

  /**
   * Consent refused or withdrawn: discard held and queued calls (and the forwarder's stored queue);
   * from now on nothing is pushed or forwarded. A withdrawal after klaviyo.js loaded also expires
   * Klaviyo's identity cookie and sets its opt-out cookie (`__kla_off=true`), so klaviyo.js itself
   * stops tracking.
   */
  denyConsent(): void {
    if (!this.loader) return;
    const withdrawn = this.consent.open && !this.denied;
    const dropped = this.consent.clear() + this.pending.length;
    if (dropped) this.logger.info(say('consentDropped', dropped));
    this.denied = true;
    this.pending = [];
    this.forwarder.reset();
    if (withdrawn) {
      clearKlaviyoCookie(this.win?.document);
      setKlaviyoOff(this.win?.document, true);
    }
  }

  /** Take one rudderanalytics-style message. Never throws. */
  handle(message: unknown): void {
    try {
      this.route(message);
    } catch (error) {
      this.logger.error(say('internal'), error);
    }
  }

  /**
   * Forget identity (logout): the identify diff state, Klaviyo's identity cookie, and every queue that
   * holds the previous user's data (calls waiting for klaviyo.js or consent, the forwarder's stored queue).
   */
  reset(): void {
    try {
      const dropped = this.consent.clear() + this.pending.length;
      if (dropped) this.logger.info(say('resetDropped', dropped));
      this.lastIdentify = undefined;
      this.pending = [];
      clearKlaviyoCookie(this.win?.document);
      this.forwarder.reset();
    } catch (error) {
      this.logger.error(say('resetFailed'), error);
    }
  }

  private route(input: unknown): void {
    if (input === null || typeof input !== 'object') {
      this.logger.warn(say('notMessage', input === null ? 'null' : typeof input));
      return;
    }
    const message = input as RudderMessage;
    const type = message.type;
    if (!this.loader) {
      this.logger.warn(say('inert', describe(type)));
      return;
    }
    if (this.denied) {
      this.logger.info(say('noConsent', describe(type)));
      return;
    }
    if (!this.consent.open) {
      this.hold(message);
      return;
    }
    const route = routeOf(message, this.config?.listId);
    if (!route) {
      this.logger.warn(say('unknownType', JSON.stringify(describe(type))));
    } else if ('refuse' in route) {
      this.logger.warn(say(route.refuse));
    } else {
      if (route.forward) this.forwarder.forward(message, route.forward);
      if (route.device) this.device(message, type as string, route.fallback);
    }
  }

  /** Keep a copy of a call made before consent (the host may change the original meanwhile). */
  private hold(message: RudderMessage): void {
    const warnings: string[] = [];
    const copy = toJsonObject(message, 'message', warnings) as RudderMessage;
    const log = this.logger.child(describe(message.type));
    for (const w of warnings) log.warn(w);
    this.consent.push(copy);
  }

  /** The device-mode path; `fallback` says whether cloud mode takes the call if klaviyo.js failed. */
  private device(message: RudderMessage, type: string, fallback: boolean): void {
    if (this.status === 'failed') {
      this.fallBack({ type, commands: [], snapshot: fallback ? message : undefined });
      return;
    }
    const { commands, warnings } = mapMessage(message, this.config);
    const log = this.logger.child(type);
    for (const w of warnings) log.warn(w);
    if (type === 'identify' && commands.length) {
      const key = JSON.stringify(commands[0]);
      if (key === this.lastIdentify) {
        this.logger.debug(say('identical'));
        commands.length = 0;
      }
      this.lastIdentify = key;
    }
    if (this.status === 'ready') {
      this.push(commands);
      return;
    }
    if (!commands.length && type !== 'identify') return;
    const call = { type, commands, snapshot: fallback ? this.keep(message) : undefined };
    boundedPush(this.pending, call, PENDING_CALLS_MAX, () => this.logger.warn(say('loadQueueFull', PENDING_CALLS_MAX)));
  }

  /** What to keep of a call that klaviyo.js may yet fail to take: what the forwarder would need of it. */
  private keep(message: RudderMessage): RudderMessage {
    return this.forwarder.keep ? this.forwarder.keep(message) : toJsonObject(message, 'message', []);
  }

  private settled(status: LoadStatus): void {
    const pending = this.pending;
    this.pending = [];
    for (const call of pending) {
      if (status === 'ready') this.push(call.commands);
      else this.fallBack(call);
    }
  }

  /** klaviyo.js failed: identify/track go to cloud mode; page is never forwarded. */
  private fallBack(call: Pending): void {
    if (call.snapshot) this.forwarder.forward(call.snapshot, 'klaviyo.js failed');
    else if (call.type === 'page' && this.config?.sendPageAsTrack) {
      this.logger.warn(say('pageLost'));
    }
  }

  private push(commands: KlaviyoCommand[]): void {
    for (const command of commands) {
      const klaviyo = klaviyoWindow(this.win).klaviyo;
      try {
        if (!klaviyo || typeof klaviyo.push !== 'function') throw new Error('window.klaviyo.push is missing');
        klaviyo.push(command);
      } catch (error) {
        this.logger.error(say('pushFailed', command[0]), error);
      }
    }
  }
}

/** Cloud mode when configured, else a forwarder that logs each call as not delivered. */
function defaultForwarder(win: Window) {
  return (config: ResolvedConfig, logger: Logger): Forwarder =>
    config.cloudMode && win
      ? new CloudForwarder({ ...config, cloudMode: config.cloudMode }, logger, win)
      : createUnconfiguredForwarder(logger);
}

/** A forwarder whose exceptions are logged, never thrown to the host. */
function safeForwarder(inner: Forwarder, logger: Logger): Forwarder {
  return {
    forward(message, reason) {
      try {
        inner.forward(message, reason);
      } catch (error) {
        logger.error(say('forwardFailed', describe(message.type)), error);
      }
    },
    reset() {
      try {
        inner.reset();
      } catch (error) {
        logger.error(say('forwarderResetFailed'), error);
      }
    },
    keep: (message) => {
      try {
        return inner.keep ? inner.keep(message) : toJsonObject(message, 'message', []);
      } catch (error) {
        logger.error(say('forwardFailed', describe(message.type)), error);
        return { type: message.type };
      }
    },
  };
}
