import { ClientApi, fetchClientApi, type ClientApiTransport } from '../clientApi/ClientApi.js';
import { messageIdentifiers, profileIdentifiers } from '../clientApi/clientApiBodies.js';
import { exchangeId } from '../clientApi/exchangeId.js';
import { CloudForwarder } from '../cloud/CloudForwarder.js';
import { createUnconfiguredForwarder, type Forwarder, type ForwardReason } from '../cloud/Forwarder.js';
import type { DeliveryReport, ResolvedConfig } from '../config/KlaviyoOptions.js';
import { KlaviyoConfigError, resolveConfig } from '../config/resolveConfig.js';
import { clearKlaviyoCookie, setKlaviyoOff } from '../klaviyo/clearKlaviyoCookie.js';
import { KlaviyoTier, type KlaviyoState } from '../klaviyo/KlaviyoTier.js';
import { createLogger, type LogSink, type Logger } from '../logger/createLogger.js';
import { describe } from '../logger/describe.js';
import { say } from '../logger/say.js';
import { warnAll } from '../logger/warnAll.js';
import { explain } from '../logger/configMessages.js';
import { report } from '../util/report.js';
import { mapMessage } from '../mapping/mapMessage.js';
import { asText } from '../mapping/readFields.js';
import { toJsonObject } from '../mapping/toJsonValue.js';
import type { JsonObject, RudderMessage } from '../mapping/types.js';
import { withDedupeKey } from '../mapping/withDedupeKey.js';
import { browserWindow } from '../util/browserWindow.js';
import { removeStoredData } from '../util/safeStorage.js';
import { uuid } from '../util/uuid.js';
import { CONSENT_PENDING_CALLS_MAX } from './coreLimits.js';
import { Gate } from './Gate.js';
import { Ladder, type LadderCall } from './Ladder.js';
import { routeOf } from './routes.js';
import { subscriptionRequest } from './subscriptionRequest.js';

/** What {@link DeviceMode} is built with besides the options; every field has a default. */
export interface DeviceModeDeps {
  /** @default globalThis.window */
  window?: Window;
  /** Where log lines go. @default console */
  logSink?: LogSink;
  /** Builds the cloud-mode forwarder. @default a {@link CloudForwarder} when `cloudMode` is set, else one that logs every call as not delivered */
  createForwarder?: (config: ResolvedConfig, logger: Logger) => Forwarder;
  /** How the Client API tier sends a request. @default the page's `fetch` */
  clientApiTransport?: ClientApiTransport;
}

/** Status of the integration: the state of klaviyo.js, or `disabled` on a fatal config error. */
export type DeviceModeStatus = KlaviyoState | 'disabled';

/**
 * The device-mode core shared by every host: validates the config once, loads klaviyo.js, maps calls
 * to Klaviyo commands and sends each one down the delivery ladder (klaviyo.js, acknowledged; the Client
 * API; the cloud endpoint), and routes to the lower tiers what klaviyo.js cannot do at all
 * (docs/behaviour.md). No method ever throws to the caller.
 */
export class DeviceMode {
  /** The resolved config; `undefined` when the options were unusable (the integration is inert). */
  readonly config: ResolvedConfig | undefined;
  readonly logger: Logger;
  private readonly win: Window;
  private readonly klaviyo: KlaviyoTier | undefined;
  private readonly clientApi: ClientApi | undefined;
  private readonly ladder: Ladder | undefined;
  private readonly forwarder: ManagedForwarder;
  /**
   * Calls made before {@link start}, or before consent with `requireConsent`: a gate that opens once
   * the integration is started and consent is not outstanding.
   */
  private readonly gate: Gate<RudderMessage>;
  private consented: boolean;
  private denied = false;
  private lastIdentify: string | undefined;
  /** The identifiers of the last identify: who later tracks are about, for the Client API. */
  private profile: JsonObject = {};
  private kx: string | undefined | null = null;
  private started = false;

  constructor(options: unknown, deps: DeviceModeDeps = {}) {
    this.win = browserWindow(deps.window) as Window;
    const warnings: string[] = [];
    let config: ResolvedConfig | undefined;
    let fatal: string | undefined;
    try {
      config = resolveConfig(options, (w) => warnings.push(w));
    } catch (error) {
      fatal = error instanceof KlaviyoConfigError ? error.message : explain('badOptions', error);
    }
    this.config = config;
    this.logger = createLogger(config?.logLevel ?? 'warn', deps.logSink);
    if (fatal) this.logger.error(fatal); // a configuration mistake: always a full sentence
    for (const w of warnings) this.logger.warn(w);
    this.consented = !config?.requireConsent;
    this.gate = new Gate<RudderMessage>(
      false,
      CONSENT_PENDING_CALLS_MAX,
      (message) => this.handle(message),
      () => this.logger.warn(say('consentQueueFull', CONSENT_PENDING_CALLS_MAX)),
    );
    const create = deps.createForwarder ?? defaultForwarder(this.win);
    this.forwarder = managedForwarder(
      () => (config ? create(config, this.logger) : createUnconfiguredForwarder(this.logger)),
      this.logger,
    );
    // Registered before the forwarder's own: at page leave, calls still waiting for klaviyo.js go down
    // the ladder first, so that the forwarder's page-leave beacon carries them too.
    this.win?.addEventListener?.('pagehide', () => this.ladder?.leave());
    // With requireConsent the forwarder (its stored queue, its tab heartbeat) starts only on consent.
    if (!config?.requireConsent) this.forwarder.open();
    if (config && this.win?.document) {
      this.klaviyo = new KlaviyoTier({ ...config, ackTimeoutMs: config.loadTimeoutMs }, this.win, this.logger);
      if (config.clientApi) {
        const transport = deps.clientApiTransport ?? fetchClientApi(this.win);
        this.clientApi = new ClientApi(config.publicApiKey, this.logger, transport);
      }
      this.ladder = new Ladder(
        this.klaviyo,
        this.clientApi,
        this.forwarder,
        this.logger,
        () => this.exchangeId(),
        config.onDelivery,
      );
    } else if (config) {
      this.logger.error(say('noWindow'));
    }
  }

  /** `disabled`, or the state of klaviyo.js: `idle`, `loading`, `working` or `blocked`. */
  get status(): DeviceModeStatus {
    return this.klaviyo ? this.klaviyo.state : 'disabled';
  }

  /** True once {@link start} ran on a usable config: calls are accepted (and sent down the ladder). */
  get acceptsCalls(): boolean {
    return this.started && !!this.klaviyo;
  }

  /**
   * Call `callback` once klaviyo.js has answered (`working`) or counts as `blocked`, or at once when
   * disabled or already settled. Exceptions from `callback` are logged, never thrown.
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
    if (status === 'working' || status === 'blocked' || status === 'disabled') {
      void Promise.resolve().then(() => call(this.status));
      return;
    }
    let done = false;
    this.klaviyo?.onChange((s) => {
      if (!done) {
        done = true;
        call(s);
      }
    });
  }

  /** Start: load klaviyo.js now, or once consent is granted when `requireConsent` is set. */
  start(): void {
    if (this.started || !this.klaviyo) return;
    this.started = true;
    if (!this.consented) return;
    this.klaviyo.start();
    this.gate.openNow();
  }

  /** Consent given (or given again): load klaviyo.js and let the held calls flow, in order. */
  grantConsent(): void {
    if (!this.klaviyo || (this.consented && !this.denied)) return;
    if (this.denied) setKlaviyoOff(this.win?.document, false);
    this.denied = false;
    this.consented = true;
    this.forwarder.open();
    if (!this.started) return;
    this.klaviyo.start();
    this.gate.openNow();
  }

  /**
   * Consent refused or withdrawn: discard held calls, calls still on their way and the forwarder's
   * stored queue; from now on nothing is pushed or forwarded. A withdrawal after klaviyo.js loaded
   * also expires Klaviyo's identity cookie and sets its opt-out cookie (`__kla_off=true`), so
   * klaviyo.js itself stops tracking.
   */
  denyConsent(): void {
    if (!this.klaviyo) return;
    const withdrawn = this.consented && !this.denied;
    const dropped = this.gate.clear() + (this.ladder?.clear() ?? 0);
    if (dropped) this.logger.info(say('consentDropped', dropped));
    this.denied = true;
    this.forwarder.reset();
    this.forwarder.close();
    removeStoredData(() => this.win?.localStorage);
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
   * holds the previous user's data (calls waiting for consent or for klaviyo.js, the forwarder's queue).
   */
  reset(): void {
    try {
      const dropped = this.gate.clear() + (this.ladder?.clear() ?? 0);
      if (dropped) this.logger.info(say('resetDropped', dropped));
      this.lastIdentify = undefined;
      this.profile = {};
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
    if (!this.klaviyo) {
      this.logger.warn(say('inert', describe(type)));
      return;
    }
    if (this.denied) {
      this.logger.info(say('noConsent', describe(type)));
      return;
    }
    if (!this.gate.open) {
      this.hold(message);
      return;
    }
    const route = routeOf(message, this.config?.listId);
    if (!route) {
      this.logger.warn(say('unknownType', JSON.stringify(describe(type))));
    } else if ('refuse' in route) {
      this.logger.warn(say(route.refuse));
    } else {
      if (route.forward && this.ladder?.busy) {
        // Behind the identify and tracks still waiting for klaviyo.js: a copy, made now.
        const copy = toJsonObject(message, 'message', []) as RudderMessage;
        const forward = route.forward;
        this.ladder.afterInFlight(() => this.subscribeOrForward(copy, forward));
      } else if (route.forward) {
        this.subscribeOrForward(message, route.forward);
      }
      const cloud = route.fallback ? 'take' : route.forward ? 'elsewhere' : 'never';
      if (route.device) this.device(message, type as string, cloud);
    }
  }

  /** Keep a copy of a call made before start or consent (the host may change the original meanwhile). */
  private hold(message: RudderMessage): void {
    const warnings: string[] = [];
    const copy = toJsonObject(message, 'message', warnings) as RudderMessage;
    warnAll(this.logger, describe(message.type), warnings);
    this.gate.push(copy);
  }

  /**
   * What klaviyo.js cannot do (list subscription, group, screen): a subscription through the Client API
   * when it can take it, else the cloud tier.
   */
  private subscribeOrForward(message: RudderMessage, reason: ForwardReason): void {
    const request =
      this.clientApi && reason !== 'screen' ? subscriptionRequest(message, this.config!, this.exchangeId()) : undefined;
    if (!this.clientApi || !request) {
      this.forwarder.forward(message, reason);
      return;
    }
    const kept = this.forwarder.keep(message);
    const messageId = asText(message.messageId) ?? '';
    const tell = (state: DeliveryReport['state']) =>
      report(this.config?.onDelivery, {
        messageId,
        type: describe(message.type),
        what: 'subscription',
        tier: 'client-api',
        state,
      });
    tell('queued');
    void this.clientApi.post('subscriptions', request).then((taken) => {
      if (taken) tell('delivered');
      else this.forwarder.forward(kept, reason);
    });
  }

  /** The device-mode path; `cloud` says what the cloud tier does with the call if the tiers above cannot take it. */
  private device(message: RudderMessage, type: string, cloud: LadderCall['cloud']): void {
    const mapped = mapMessage(message, this.config);
    warnAll(this.logger, type, mapped.warnings);
    let commands = mapped.commands;
    if (type === 'identify' && commands.length) {
      this.profile = profileIdentifiers(commands[0][1] as JsonObject);
      const key = JSON.stringify(commands[0]);
      if (key === this.lastIdentify) {
        this.logger.debug(say('identical'));
        commands = [];
      }
      this.lastIdentify = key;
    }
    if (!commands.length) return;
    const messageId = asText(message.messageId) ?? uuid();
    const kept = cloud === 'take' ? this.forwarder.keep(message) : { type: message.type };
    if (cloud === 'take' && kept.messageId === undefined) kept.messageId = messageId;
    const identifiers = {
      ...this.profile,
      ...messageIdentifiers(message, !this.config?.enforceEmailAsPrimary),
    };
    this.ladder?.deliver(
      { type, messageId, message: kept, identifiers, time: asText(message.originalTimestamp), cloud },
      withDedupeKey(commands, messageId),
    );
  }

  private exchangeId(): string | undefined {
    if (this.kx === null) this.kx = exchangeId(this.win);
    return this.kx;
  }
}

/** Cloud mode when configured, else a forwarder that logs each call as not delivered. */
function defaultForwarder(win: Window) {
  return (config: ResolvedConfig, logger: Logger): Forwarder =>
    config.cloudMode && win
      ? new CloudForwarder({ ...config, cloudMode: config.cloudMode }, logger, win)
      : createUnconfiguredForwarder(logger, config.onDelivery);
}

/** What a closed forwarder does: nothing (the core drops every call after a consent withdrawal). */
const CLOSED: Forwarder = { forward() {}, reset() {}, keep: (message) => ({ type: message.type }) };

/** A forwarder made on {@link ManagedForwarder.open} and dropped on {@link ManagedForwarder.close}. */
interface ManagedForwarder extends Forwarder {
  open(): void;
  close(): void;
  /** What to keep of a call the cloud tier may take later: what the forwarder would need of it. */
  keep(message: RudderMessage): RudderMessage;
}

/**
 * The forwarder the core uses: made by `create` when opened (at once, or on consent), disposed when
 * closed (consent withdrawn), and whose exceptions are logged, never thrown to the host.
 */
function managedForwarder(create: () => Forwarder, logger: Logger): ManagedForwarder {
  let made: Forwarder | undefined;
  let closed = false;
  // Closed (consent withdrawn): nothing is made again until opened, and nothing is forwarded.
  const inner = (): Forwarder => (closed ? CLOSED : (made ??= create()));
  return {
    open() {
      closed = false;
      try {
        inner();
      } catch (error) {
        logger.error(say('forwarderStartStop'), error);
      }
    },
    close() {
      try {
        made?.dispose?.();
      } catch (error) {
        logger.error(say('forwarderStartStop'), error);
      }
      made = undefined;
      closed = true;
    },
    forward(message, reason) {
      try {
        inner().forward(message, reason);
      } catch (error) {
        logger.error(say('forwardFailed', describe(message.type)), error);
      }
    },
    reset() {
      try {
        made?.reset();
      } catch (error) {
        logger.error(say('forwarderResetFailed'), error);
      }
    },
    keep: (message) => {
      try {
        const f = inner();
        return f.keep ? f.keep(message) : toJsonObject(message, 'message', []);
      } catch (error) {
        logger.error(say('forwardFailed', describe(message.type)), error);
        return { type: message.type };
      }
    },
  };
}
