import type { LogLevel } from '../logger/createLogger.js';
import type { KlaviyoMetric } from '../mapping/KlaviyoMetric.js';

/** A list-subscription channel. */
export type ConsentChannel = 'email' | 'sms';

/** A cloud-mode endpoint: our own (`klaviyo-device-mode/server`) or a RudderStack source with Klaviyo in cloud mode. */
export interface CloudModeOptions {
  /**
   * The endpoint's base URL: where our endpoint is served (`https://shop.example/kdm`) or the data plane
   * (`https://example-dataplane.rudderstack.com`). Must be `https:` (or `http:` on localhost).
   */
  dataPlaneUrl: string;
  /**
   * Our endpoint: one of its `WRITE_KEYS`. RudderStack: the write key of a source dedicated to
   * forwarding, with Klaviyo connected in **cloud** mode; never the page's own write key, which would
   * duplicate every event to every other destination.
   */
  writeKey: string;
}

/** Where a call stands on the delivery ladder, for {@link KlaviyoOptions.onDelivery}. */
export interface DeliveryReport {
  /** The call's `messageId` (generated when the call had none). */
  messageId: string;
  /** The call's type: `identify`, `track`, `page`, `group` or `screen`. */
  type: string;
  /** What Klaviyo gets: the metric (`Placed Order`), `identify`, or for cloud mode the call's event or type. */
  what: string;
  /** The rung: klaviyo.js, Klaviyo's Client API, or the cloud-mode endpoint. */
  tier: 'klaviyo.js' | 'client-api' | 'cloud';
  /**
   * `held` (an anonymous shopper's call, kept until the shopper is known), `queued` (sent, waiting for
   * an answer), `delivered`, `retrying` (cloud mode), `lost` (with the reason).
   */
  state: 'held' | 'queued' | 'delivered' | 'retrying' | 'lost';
  /** Why it is retrying or lost. */
  reason?: string;
}

/**
 * Options of the integration. Names match RudderStack's Klaviyo destination config, so a dashboard
 * config can be passed unchanged; keys this package does not know are ignored.
 */
export interface KlaviyoOptions {
  /**
   * Klaviyo public API key ("site ID"): exactly 6 letters or digits. A private key (`pk_…`) is refused
   * with an error telling you to revoke it. Required.
   */
  publicApiKey: string;
  /**
   * Identify sends no `$id`; the userId goes to the custom property `_id`, and an identify needs an
   * email or a phone number.
   * @default false
   */
  enforceEmailAsPrimary?: boolean;
  /**
   * Send `page` calls to Klaviyo as a track named `Viewed <category> <name> page`. Off, klaviyo.js
   * records "Active on Site" by itself and `page` sends nothing.
   * @default false
   */
  sendPageAsTrack?: boolean;
  /**
   * With {@link sendPageAsTrack}, attach a copy of the page properties to that track.
   * @default false
   */
  additionalPageInfo?: boolean;
  /**
   * Default Klaviyo list for identify calls that carry `subscribe`; forwarded to cloud mode.
   * @default undefined
   */
  listId?: string;
  /**
   * Default subscription channels for list subscription; forwarded to cloud mode.
   * @default ['email']
   */
  consent?: ConsentChannel[];
  /**
   * Default SMS consent for list subscription; forwarded to cloud mode.
   * @default false
   */
  smsConsent?: boolean;
  /**
   * Where to forward what klaviyo.js and the Client API cannot take (screen, unsubscribe, and
   * identify/track when both are blocked): our endpoint (`klaviyo-device-mode/server`) or a RudderStack
   * data plane. Without it those calls are logged as lost.
   * @default undefined
   */
  cloudMode?: CloudModeOptions;
  /**
   * Send what klaviyo.js could not (blocked, or half-working because its tracking module is blocked)
   * to Klaviyo's Client API (`a.klaviyo.com/client/*`, public key only), before cloud mode. It also
   * subscribes to lists (identify with list data, group) without any server.
   * @default true
   */
  clientApi?: boolean;
  /**
   * How long klaviyo.js has to answer a command (Klaviyo's callback), in milliseconds, before the
   * command goes down the delivery ladder; the first unanswered command marks klaviyo.js blocked.
   * (Before 0.2 this bounded the script's `load` event; a loaded script proves nothing.)
   * @default 3000
   */
  loadTimeoutMs?: number;
  /**
   * CSP nonce for the klaviyo.js `<script>`. When absent, the nonce of the `<script>` that loaded this
   * package is reused (read through the `.nonce` property).
   * @default undefined
   */
  nonce?: string;
  /**
   * Called with the klaviyo.js `<script>` element before it is inserted: set attributes on it, or
   * return `false` to veto loading (then klaviyo.js counts as failed).
   * @default undefined
   */
  prepareScript?: (script: HTMLScriptElement) => void | boolean;
  /**
   * Load nothing and push nothing until consent is granted. Calls made meanwhile wait (bounded) and
   * flow once granted, or are discarded on denial.
   * @default false
   */
  requireConsent?: boolean;
  /**
   * Override Klaviyo metric names, e.g. `{ 'Viewed Product': 'Hydrogen Viewed Product' }` to avoid a
   * clash with a platform's native tracking.
   * @default undefined
   */
  eventNames?: Partial<Record<KlaviyoMetric, string>>;
  /**
   * When a visitor submits a Klaviyo signup form, identify them in the host analytics too (the script
   * tag's and npm global, RudderStack's `identify`, Segment's `identify`) with the form's email and
   * phone, so the shop's own analytics learns who subscribed. Script tag: `data-identify-from-forms`.
   * @default false
   */
  identifyFromForms?: boolean;
  /**
   * Called as each call moves along the delivery ladder: which rung took it and whether it was
   * delivered, is retrying or was lost (with the reason). For a debugging panel or your own monitoring;
   * an exception it throws is ignored.
   * @default undefined
   */
  onDelivery?: (report: DeliveryReport) => void;
  /**
   * Lowest level logged. Every dropped or altered call is logged at `warn` or above.
   * @default 'warn'
   */
  logLevel?: LogLevel;
}

/** {@link KlaviyoOptions} with every default filled in and every value validated. */
export interface ResolvedConfig {
  publicApiKey: string;
  enforceEmailAsPrimary: boolean;
  sendPageAsTrack: boolean;
  additionalPageInfo: boolean;
  listId: string | undefined;
  consent: ConsentChannel[];
  smsConsent: boolean;
  cloudMode: CloudModeOptions | undefined;
  clientApi: boolean;
  loadTimeoutMs: number;
  nonce: string | undefined;
  prepareScript: ((script: HTMLScriptElement) => void | boolean) | undefined;
  requireConsent: boolean;
  eventNames: Record<KlaviyoMetric, string>;
  identifyFromForms: boolean;
  onDelivery: ((report: DeliveryReport) => void) | undefined;
  logLevel: LogLevel;
}
