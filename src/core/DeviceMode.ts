import { CONSENT_PENDING_CALLS_MAX, PENDING_CALLS_MAX } from '../config/defaults.js';
import type { ResolvedConfig } from '../config/KlaviyoOptions.js';
import { KlaviyoConfigError, resolveConfig } from '../config/resolveConfig.js';
import { CloudForwarder } from '../cloud/CloudForwarder.js';
import { createUnconfiguredForwarder, type Forwarder, type ForwardReason } from '../cloud/Forwarder.js';
import { KlaviyoLoader, type LoadStatus } from '../klaviyo/KlaviyoLoader.js';
import { klaviyoWindow } from '../klaviyo/KlaviyoGlobals.js';
import { clearKlaviyoCookie, setKlaviyoOff } from '../klaviyo/clearKlaviyoCookie.js';
import { createLogger, type LogSink, type Logger } from '../logger/createLogger.js';
import { describe } from '../logger/describe.js';
import { say } from '../logger/say.js';
import { mapMessage } from '../mapping/mapMessage.js';
import { toJsonObject } from '../mapping/toJsonValue.js';
import type { KlaviyoCommand, RudderMessage } from '../mapping/types.js';
import { hasListData } from './route.js';

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

type Consent = 'pending' | 'granted' | 'denied';

interface Pending {
  type: string;
  commands: KlaviyoCommand[];
  /** What to forward if klaviyo.js fails (see {@link DeviceMode.snapshot}); absent when not forwardable. */
  snapshot?: RudderMessage;
}

/**
 * The device-mode core shared by every host: validates the config once, loads klaviyo.js, maps
 * calls to Klaviyo commands, keeps them in order while klaviyo.js loads, and routes to cloud mode
 * what device mode cannot do (SPEC §2–§4). No method ever throws to the caller.
 */
export class DeviceMode {
  /** The resolved config; `undefined` when the options were unusable (the integration is inert). */
  readonly config: ResolvedConfig | undefined;
  readonly logger: Logger;
  private readonly win: Window;
  private readonly loader: KlaviyoLoader | undefined;
  private readonly forwarder: Forwarder;
  private pending: Pending[] = [];
  private held: RudderMessage[] = [];
  private consent: Consent;
  private lastIdentify: string | undefined;
  private started = false;

  constructor(options: unknown, deps: DeviceModeDeps = {}) {
    this.win = deps.window ?? (globalThis as unknown as { window: Window }).window;
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
    this.consent = config?.requireConsent ? 'pending' : 'granted';
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
    if (this.consent === 'granted') this.loader.start();
  }

  /** Consent given (or given again): load klaviyo.js and let the held calls flow, in order. */
  grantConsent(): void {
    if (!this.loader || this.consent === 'granted') return;
    if (this.consent === 'denied') setKlaviyoOff(this.win?.document, false);
    this.consent = 'granted';
    if (this.started) this.loader.start();
    const held = this.held;
    this.held = [];
    for (const message of held) this.handle(message);
  }

  /**
   * Consent refused or withdrawn: discard held and queued calls (and the forwarder's stored queue);
   * from now on nothing is pushed or forwarded. A withdrawal after klaviyo.js loaded also expires
   * Klaviyo's identity cookie and sets its opt-out cookie (`__kla_off=true`), so klaviyo.js itself
   * stops tracking.
   */
  denyConsent(): void {
    if (!this.loader) return;
    const dropped = this.held.length + this.pending.length;
    if (dropped) this.logger.info(say('consentDropped', dropped));
    const withdrawn = this.consent === 'granted';
    this.consent = 'denied';
    this.held = [];
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
      const dropped = this.held.length + this.pending.length;
      if (dropped) this.logger.info(say('resetDropped', dropped));
      this.lastIdentify = undefined;
      this.held = [];
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
    if (this.consent === 'denied') {
      this.logger.info(say('noConsent', describe(type)));
      return;
    }
    if (this.consent === 'pending') {
      this.hold(message);
      return;
    }
    switch (type) {
      case 'identify': {
        const listData = hasListData(message, this.config?.listId);
        if (listData) this.forward(message, 'list subscription');
        this.device(message, 'identify', !listData);
        return;
      }
      case 'track':
        this.device(message, 'track', true);
        return;
      case 'page':
        this.device(message, 'page', false);
        return;
      case 'group':
      case 'screen':
        this.forward(message, type);
        return;
      case 'alias':
        this.logger.warn(say('alias'));
        return;
      default:
        this.logger.warn(say('unknownType', JSON.stringify(describe(type))));
    }
  }

  private hold(message: RudderMessage): void {
    const warnings: string[] = [];
    this.held.push(toJsonObject(message, 'message', warnings));
    for (const w of warnings) this.logger.warn(`${describe(message.type)}: ${w}`);
    if (this.held.length > CONSENT_PENDING_CALLS_MAX) {
      this.held.shift();
      this.logger.warn(say('consentQueueFull', CONSENT_PENDING_CALLS_MAX));
    }
  }

  /** The device-mode path; `fallback` says whether cloud mode takes the call if klaviyo.js failed. */
  private device(message: RudderMessage, type: string, fallback: boolean): void {
    if (this.status === 'failed') {
      this.fallBack({ type, commands: [], snapshot: fallback ? message : undefined });
      return;
    }
    const { commands, warnings } = mapMessage(message, this.config);
    for (const w of warnings) this.logger.warn(`${type}: ${w}`);
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
    this.pending.push({ type, commands, snapshot: fallback ? this.snapshot(message) : undefined });
    if (this.pending.length > PENDING_CALLS_MAX) {
      this.pending.shift();
      this.logger.warn(say('loadQueueFull', PENDING_CALLS_MAX));
    }
  }

  /**
   * What to keep of a call that klaviyo.js may yet fail to take: a copy, so that later changes by the
   * host cannot reach it; only its type when nothing will be delivered (it is then just logged as lost).
   */
  private snapshot(message: RudderMessage): RudderMessage {
    return this.forwarder.delivers === false ? { type: message.type } : toJsonObject(message, 'message', []);
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
    if (call.snapshot) this.forward(call.snapshot, 'klaviyo.js failed');
    else if (call.type === 'page' && this.config?.sendPageAsTrack) {
      this.logger.warn(say('pageLost'));
    }
  }

  private forward(message: RudderMessage, reason: ForwardReason): void {
    this.forwarder.forward(message, reason);
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
    delivers: inner.delivers,
  };
}
