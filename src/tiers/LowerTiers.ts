import type { ClientApiTransport } from '../clientApi/ClientApi.js';
import type { Forwarder, ForwardReason } from '../cloud/Forwarder.js';
import type { ResolvedConfig } from '../config/KlaviyoOptions.js';
import type { ConfigProblem } from '../logger/configMessages.js';
import type { Logger } from '../logger/createLogger.js';
import type { JsonObject, KlaviyoCommand, RudderMessage } from '../mapping/types.js';

/** One identify, track or page call on its way down the delivery ladder. */
export interface LadderCall {
  type: string;
  /** The call's messageId: how delivery reports name it. */
  messageId: string;
  /** What the cloud tier sends: the call as made, kept at call time. */
  message: RudderMessage;
  /** Who the call is about, as Client API identifiers (`email`, `phone_number`, `external_id`). */
  identifiers: JsonObject;
  /** The capture time (ISO), sent as the event's `time`. */
  time: string | undefined;
  /**
   * The cloud tier: `take` it when the tiers above cannot; `elsewhere` when it went to cloud mode at
   * once already (an identify with list data); `never` (page).
   */
  cloud: 'take' | 'elsewhere' | 'never';
  /** Set once the call went to the cloud tier or was logged as lost: that happens once per call. */
  fell?: boolean;
}

/**
 * The rungs below klaviyo.js: Klaviyo's Client API and the cloud-mode endpoint. They are needed only
 * after something went wrong, or for what klaviyo.js cannot do, so they live in a chunk of their own
 * (docs/architecture.md, "The lower tiers chunk"). Every method may throw; the core catches.
 */
export interface LowerTiers {
  /** klaviyo.js did not answer `command` (of `call`) in time: the Client API, else the cloud tier. Never `trackViewedItem` (klaviyo.js only). */
  missed(call: LadderCall, command: KlaviyoCommand): void;
  /**
   * What klaviyo.js cannot do at all: a list subscription through the Client API when it can take it,
   * else the cloud tier. `message` is the core's own copy.
   */
  forward(message: RudderMessage, reason: ForwardReason): void;
  /** Drop queued events and identity: they hold personal data (logout, consent withdrawn). */
  reset(): void;
  /** Stop timers and listeners for good (consent withdrawn). */
  dispose(): void;
}

/** What the lower tiers are built with besides the config; every field has a default. */
export interface LowerTiersDeps {
  /** Builds the cloud-mode forwarder. @default our forwarder when `cloudMode` is set, else one that logs every call as not delivered */
  createForwarder?: (config: ResolvedConfig, logger: Logger) => Forwarder;
  /** How the Client API tier sends a request. @default the page's `fetch` */
  clientApiTransport?: ClientApiTransport;
}

/**
 * What the chunk exports: the lower tiers, and what else is needed only when something is wrong or
 * asked for (configuration mistakes in words, `identifyFromForms`).
 */
export interface LowerTiersModule {
  createLowerTiers(config: ResolvedConfig, logger: Logger, win: Window, deps: LowerTiersDeps): LowerTiers;
  explain(...problem: ConfigProblem): string;
  identifyFromForms(win: Window, host: () => unknown, logger: Logger): void;
  /** The package version the chunk was built from: a chunk of another version is not used. */
  LIBRARY_VERSION: string;
}

/** Brings the chunk: at once (tests, a bundle that holds it) or when it arrives. */
export type LoadLowerTiers = (win: Window) => LowerTiersModule | Promise<LowerTiersModule>;
