import { messageIdentifiers, profileIdentifiers } from '../clientApi/clientApiBodies.js';
import type { ForwardReason } from '../cloud/Forwarder.js';
import type { ResolvedConfig } from '../config/KlaviyoOptions.js';
import { resolveConfig } from '../config/resolveConfig.js';
import { clearKlaviyoCookie, setKlaviyoOff } from '../klaviyo/clearKlaviyoCookie.js';
import { KlaviyoTier, type KlaviyoState } from '../klaviyo/KlaviyoTier.js';
import { optOutOf } from '../klaviyo/optedOut.js';
import { createLogger, type LogSink, type Logger } from '../logger/createLogger.js';
import { describe } from '../logger/describe.js';
import { say } from '../logger/say.js';
import { warnAll } from '../logger/warnAll.js';
import type { ConfigProblem } from '../logger/configMessages.js';
import { mapMessage } from '../mapping/mapMessage.js';
import { asText } from '../mapping/readFields.js';
import { toJsonObject } from '../mapping/toJsonValue.js';
import type { JsonObject, RudderMessage } from '../mapping/types.js';
import { withDedupeKey } from '../mapping/withDedupeKey.js';
import type { LadderCall, LoadLowerTiers, LowerTiersDeps } from '../tiers/LowerTiers.js';
import { reportCall } from '../tiers/reportCall.js';
import { browserWindow } from '../util/browserWindow.js';
import { removeStoredData } from '../util/safeStorage.js';
import { uuid } from '../util/uuid.js';
import { AnonymousHold } from './AnonymousHold.js';
import { CONSENT_PENDING_CALLS_MAX } from './coreLimits.js';
import { Gate } from './Gate.js';
import { Ladder } from './Ladder.js';
import { chunkLoader, type WithChunk } from './chunkLoader.js';
import { lazyTiers, type ManagedTiers } from './lazyTiers.js';
import { loadLowerTiers } from './loadLowerTiers.js';
import { routeOf } from './routes.js';
import { Shopper } from './Shopper.js';

/** What {@link DeviceMode} is built with besides the options; every field has a default. */
export interface DeviceModeDeps extends LowerTiersDeps {
  /** @default globalThis.window */
  window?: Window;
  /** Where log lines go. @default console */
  logSink?: LogSink;
  /** Brings the lower tiers (the Client API, cloud mode). @default a dynamic import (npm), the chunk beside the bundle (browser files) */
  loadLowerTiers?: LoadLowerTiers;
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
  /** The lower tiers chunk, brought once for whoever asks first. */
  private readonly withChunk: WithChunk;
  private readonly klaviyo: KlaviyoTier | undefined;
  private readonly ladder: Ladder | undefined;
  /** Who the shopper is, and where their calls may go: held, waiting for klaviyo.js, or down the ladder. */
  private readonly shopper: Shopper | undefined;
  private readonly hold: AnonymousHold | undefined;
  /** The Client API and cloud mode: `undefined` when the integration is inert. */
  private readonly tiers: ManagedTiers | undefined;
  /**
   * Calls made before {@link start}, or before consent with `requireConsent`: a gate that opens once
   * the integration is started and consent is not outstanding.
   */
  private readonly gate: Gate<RudderMessage>;
  private consented: boolean;
  private denied = false;
  private lastIdentify: string | undefined;
  /** The opt-out or bot line was logged on this page. */
  private saidOptOut = false;
  /** The last call found the shopper opted out (their held calls were dropped then). */
  private wasOut = false;
  /** Klaviyo's opt-out as read in this task ({@link optedOut}); `null` when not read yet. */
  private optOut: ReturnType<typeof optOutOf> | null = null;
  /** The cloud tier sends whole calls (cloud mode, or a forwarder of the host's own). */
  private readonly keepAll: boolean;
  private started = false;

  constructor(options: unknown, deps: DeviceModeDeps = {}) {
    this.win = browserWindow(deps.window) as Window;
    const problems: Array<[ConfigProblem, boolean?]> = [];
    let config: ResolvedConfig | undefined;
    try {
      config = resolveConfig(options, (problem, fatal) => problems.push([problem, fatal]));
    } catch (error) {
      problems.push([['badOptions', error], true]);
    }
    this.config = config;
    this.logger = createLogger(config?.logLevel ?? 'warn', deps.logSink);
    this.withChunk = chunkLoader(deps.loadLowerTiers ?? loadLowerTiers, this.win, this.logger);
    this.explain(problems);
    this.consented = !config?.requireConsent;
    this.keepAll = !!(config?.cloudMode || deps.createForwarder);
    this.gate = new Gate<RudderMessage>(
      false,
      CONSENT_PENDING_CALLS_MAX,
      (message) => this.handle(message),
      () => this.logger.warn(say('consentQueueFull', CONSENT_PENDING_CALLS_MAX)),
    );
    if (config && this.win?.document) {
      this.klaviyo = new KlaviyoTier({ ...config, ackTimeoutMs: config.loadTimeoutMs }, this.win, this.logger);
      // Registered before the lower tiers' own: at page leave, calls still waiting for klaviyo.js go
      // down the ladder first, so that the tiers' page-leave beacon (or storage) carries them too.
      this.win.addEventListener('pagehide', () => this.shopper?.leave());
      const tiers = lazyTiers(this.withChunk, config, this.logger, this.win, deps);
      this.tiers = tiers;
      this.ladder = new Ladder(this.klaviyo, (call, command) => tiers.missed(call, command), config.onDelivery);
      this.hold = new AnonymousHold(
        `kdm.${config.publicApiKey}.held`,
        this.win,
        this.logger,
        config.onDelivery,
        () => this.consented && !this.denied,
      );
      this.shopper = new Shopper(this.klaviyo, this.ladder, this.hold, this.win, this.logger);
      // With requireConsent the tiers (cloud mode's stored queue, its tab heartbeat) start only on consent.
      if (!config.requireConsent) tiers.open();
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
    this.startKlaviyo();
    this.gate.openNow();
  }

  /** Consent given (or given again): load klaviyo.js and let the held calls flow, in order. */
  grantConsent(): void {
    if (!this.klaviyo || (this.consented && !this.denied)) return;
    if (this.denied) setKlaviyoOff(this.win?.document, false);
    this.optOut = null; // the cookie just changed
    this.denied = false;
    this.consented = true;
    this.tiers?.open();
    if (!this.started) return;
    this.startKlaviyo();
    this.gate.openNow();
  }

  private startKlaviyo(): void {
    this.klaviyo?.start((identified) => this.shopper?.klaviyoAnswered(identified));
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
    const dropped = this.gate.clear() + (this.ladder?.clear() ?? 0) + (this.hold?.clear() ?? 0);
    if (dropped) this.logger.info(say('consentDropped', dropped));
    this.denied = true;
    this.tiers?.reset();
    this.tiers?.close();
    removeStoredData(() => this.win?.localStorage);
    if (withdrawn) {
      clearKlaviyoCookie(this.win?.document);
      setKlaviyoOff(this.win?.document, true);
      this.optOut = null;
    }
  }

  /**
   * Log configuration mistakes in full sentences: their texts come with the lower tiers chunk, so they
   * are logged once it is here (a keyed line if it cannot come). `fatal` ones at `error`, others at `warn`.
   */
  explain(problems: Array<[ConfigProblem, boolean?]>): void {
    if (problems.length)
      this.withChunk((chunk) => {
        for (const [problem, fatal] of problems)
          this.logger[fatal ? 'error' : 'warn'](
            chunk ? chunk.explain(...problem) : say(...(problem as unknown as Parameters<typeof say>)),
          );
      });
  }

  /**
   * With `identifyFromForms`, each Klaviyo form submission with an email or phone becomes
   * `host().identify(traits)` (the listener comes with the lower tiers chunk). Nothing when the option is off.
   */
  identifyFromForms(host: () => unknown): void {
    if (this.config?.identifyFromForms && this.klaviyo)
      this.withChunk((chunk) => chunk?.identifyFromForms(this.win, host, this.logger));
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
   * Forget identity (logout): the identify diff state, Klaviyo's identity cookie, the forwarder's queue,
   * calls held before start or consent and an anonymous shopper's held calls. The previous shopper's calls
   * still waiting for klaviyo.js go down the ladder now, as theirs (docs/decisions.md).
   */
  reset(): void {
    try {
      const dropped = (this.tiers?.reset() ?? 0) + this.gate.clear() + (this.shopper?.reset() ?? 0);
      if (dropped) this.logger.warn(say('resetDropped', dropped));
      this.ladder?.leave();
      this.ladder?.clear();
      this.lastIdentify = undefined;
      clearKlaviyoCookie(this.win?.document);
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
      this.holdUntilOpen(message);
      return;
    }
    const out = this.optedOut();
    if (out) {
      if (!this.saidOptOut) this.logger.warn(say(out));
      this.saidOptOut = true;
      // What an anonymous shopper had held goes too: once as the shopper opts out, not at every call.
      if (!this.wasOut) this.hold?.clear();
      this.wasOut = true;
      const what = describe(type);
      reportCall(
        this.config?.onDelivery,
        { messageId: asText(message.messageId) ?? '', type: what },
        what,
        'klaviyo.js',
        'lost',
        say(out),
      );
      return;
    }
    this.wasOut = false;
    const route = routeOf(message, this.config?.listId);
    if (!route) {
      this.logger.warn(say('unknownType', JSON.stringify(describe(type))));
    } else if ('refuse' in route) {
      this.logger.warn(say(route.refuse));
    } else {
      if (route.forward && (this.ladder?.busy || this.shopper?.busy)) {
        // Behind the identify and tracks still waiting for klaviyo.js: a copy, made now.
        const copy = toJsonObject(message, 'message', []) as RudderMessage;
        const forward = route.forward;
        this.shopper?.after(() => this.ladder?.afterInFlight(() => this.forward(copy, forward)));
      } else if (route.forward) {
        this.forward(message, route.forward);
      }
      const cloud = route.fallback ? 'take' : route.forward ? 'elsewhere' : 'never';
      if (route.device) this.device(message, type as string, cloud);
    }
  }

  /**
   * Whether the shopper is out of Klaviyo's reach, read once per task: the calls a page makes in one
   * go share one cookie read (a read of `document.cookie` is a round trip to the browser's cookie
   * store); the cookie is read again for the next task's calls (docs/decisions.md).
   */
  private optedOut(): ReturnType<typeof optOutOf> {
    if (this.optOut === null) {
      this.optOut = optOutOf(this.win);
      queueMicrotask(() => (this.optOut = null));
    }
    return this.optOut;
  }

  /** Keep a copy of a call made before start or consent (the host may change the original meanwhile). */
  private holdUntilOpen(message: RudderMessage): void {
    const warnings: string[] = [];
    const copy = toJsonObject(message, 'message', warnings) as RudderMessage;
    warnAll(this.logger, describe(message.type), warnings);
    this.gate.push(copy);
  }

  /** What klaviyo.js cannot do (list subscription, group, screen): the Client API or cloud mode. */
  private forward(message: RudderMessage, reason: ForwardReason): void {
    this.tiers?.forward(message, reason);
  }

  /** The device-mode path; `cloud` says what the cloud tier does with the call if the tiers above cannot take it. */
  private device(message: RudderMessage, type: string, cloud: LadderCall['cloud']): void {
    const mapped = mapMessage(message, this.config);
    warnAll(this.logger, type, mapped.warnings);
    const commands = mapped.commands;
    if (!commands.length || !this.shopper) return;
    const messageId = asText(message.messageId) ?? uuid();
    // What the cloud tier may send later, copied now: all of it with cloud mode, else what its log line names.
    const kept: RudderMessage =
      cloud !== 'take'
        ? { type: message.type }
        : this.keepAll
          ? toJsonObject(message, 'message', [])
          : { type: message.type, event: message.event };
    if (cloud === 'take' && kept.messageId === undefined) kept.messageId = messageId;
    // The capture time: a call held until the shopper is known keeps it.
    const time = asText(message.originalTimestamp) ?? new Date().toISOString();
    const call: LadderCall = { type, messageId, message: kept, identifiers: {}, time, cloud };
    if (type !== 'identify') {
      const named = messageIdentifiers(message, !this.config?.enforceEmailAsPrimary);
      this.shopper.track(call, withDedupeKey(commands, messageId), named);
      return;
    }
    const key = JSON.stringify(commands[0]);
    if (key === this.lastIdentify) {
      this.logger.debug(say('identical'));
      return;
    }
    this.lastIdentify = key;
    this.shopper.identify(call, commands[0], profileIdentifiers(commands[0][1] as JsonObject));
  }
}
