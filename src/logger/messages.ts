import { MESSAGES_GLOBAL } from './messagesGlobal.js';

/** A private key in a browser: it must be revoked (a configuration mistake, see configMessages.ts). */
export const PRIVATE_KEY_TEXT =
  'publicApiKey is a Klaviyo PRIVATE API key (pk_...). It must never be put in a browser: revoke it now in Klaviyo (Settings > API keys) and use the 6-character public API key (site ID).';

/**
 * The text of every log line and mapping warning, by key. `{0}`, `{1}`… are filled with the
 * arguments given to {@link say}.
 *
 * Bundles carry only the keys (`[klaviyo-device-mode] notE164 traits`), which keeps them small.
 * {@link installMessages} (from `klaviyo-device-mode/messages`), or loading
 * `dist/klaviyo-device-mode.messages.js`, installs the texts for every copy of the package on the page.
 * The README lists them all (generated from this table; a test keeps it in step).
 */
export const MESSAGES = {
  // Options: configuration mistakes are always said in full, from configMessages.ts (not repeated here).
  /** Always logged in full, texts installed or not. */
  keyPrivate: PRIVATE_KEY_TEXT,
  // Message values (any path)
  notObject: '{0} is not an object ({1}); ignored.',
  notFinite: '{0} is {1}, not a finite number; dropped.',
  bigint: "{0} is a BigInt; sent as the string '{1}'.",
  badType: '{0} is a {1}; dropped.',
  badDate: '{0} is an invalid date; dropped.',
  circular: '{0} is a circular reference; dropped.',
  tooDeep: '{0} is nested deeper than {1} levels; dropped.',
  unreadable: '{0} cannot be read; dropped.',
  unsafeKey: '{0}.{1} is an unsafe key; dropped.',
  getterThrew: '{0}.{1} threw when read; dropped.',
  notE164: '{0}.phone is not an E.164 number (+ country code and digits); dropped.',
  // identify
  emailNotString: 'traits.email is not a string; dropped.',
  noIdentity:
    'identify not sent: it needs an email, an E.164 phone, a userId or an exchange id (_kx). An anonymousId alone would create a duplicate Klaviyo profile.',
  noEmailOrPhone: 'identify not sent: enforceEmailAsPrimary needs an email or an E.164 phone.',
  traitClash: "trait '{0}' not sent: it would overwrite the mapped {0}.",
  identical: 'identify identical to the last one; not pushed again.',
  // track and page
  nameType: "track event name {0} is a {1}; sent as '{0}'.",
  noEventName: 'track not sent: it has no event name.',
  valueNotNumber: "properties.{0} is not a number; not used as $value, sent as '{0}'.",
  valueTwice: 'properties.$value ignored: $value is already mapped.',
  valueDropped: 'properties.$value is not a number; dropped.',
  propClash: 'properties.{0} not sent: it would overwrite the mapped {0}.',
  notArray: '{0} is not an array; ignored.',
  lineNotObject: '{0}[{1}] is not an object; skipped.',
  noViewedItem: 'trackViewedItem not sent: the product has neither a name nor a product_id.',
  noOrderId: 'Order Completed has no order_id: Klaviyo cannot de-duplicate Placed Order or Ordered Product.',
  noMapping: '{0} has no device-mode mapping.',
  mappingFailed: 'mapping failed: {0}',
  // klaviyo.js
  reusing: 'klaviyo.js is already on the page; reusing it, not injecting it again.',
  prepareThrew: 'prepareScript threw; klaviyo.js not loaded.',
  vetoed: 'prepareScript vetoed loading klaviyo.js; calls go down the delivery ladder.',
  blocked:
    'klaviyo.js failed to load (blocked by an ad blocker, a CSP or the network); calls go down the delivery ladder.',
  timedOut:
    'klaviyo.js did not answer within {0} ms (blocked, or its tracking module is); calls go down the delivery ladder.',
  loaded: 'klaviyo.js answered: device mode is working.',
  lateLoad: 'klaviyo.js answered late; device mode resumed for later calls.',
  pushFailed: '{0} not sent: klaviyo.push failed.',
  // Calls
  noWindow: 'disabled: no browser window to load klaviyo.js in.',
  readyThrew: 'a ready() callback threw.',
  internal: 'internal error; call dropped.',
  callFailed: 'call failed; dropped.',
  notMessage: 'call ignored: expected a message object, got {0}.',
  unknownType: 'call ignored: unknown type {0}.',
  inert: '{0} not sent: the integration is disabled (see the error above).',
  alias: 'alias not sent: Klaviyo supports alias in neither device nor cloud mode.',
  lost: '{0} lost: klaviyo.js did not take it, {1}, and it is never forwarded to cloud mode.',
  noProfile: 'the Client API needs an email, a phone, a userId or a Klaviyo exchange id',
  clientApiOff: 'the Client API is off (clientApi: false)',
  clientApiRefused: 'the Client API did not take it',
  clientApiFailed: 'Client API {0}: {1}; the call moves down the delivery ladder.',
  clientApiTook: '{0} delivered through the Client API.',
  loadQueueFull: 'klaviyo.js is still loading: more than {0} calls queued; the oldest was dropped.',
  // The shopper: anonymous, opted out, a bot
  held: '{0} held until the shopper is known (an identify, a Klaviyo form or a _kx link).',
  heldReason: 'held until the shopper is known',
  heldDropped: '{0} held call(s) of a shopper who never became known dropped: {1}.',
  heldFull: 'more than {0} calls held',
  heldStale: 'held {0} days',
  optedOut:
    "calls not sent: the shopper opted out of Klaviyo's tracking (cookie __kla_off=true); nothing goes to klaviyo.js, the Client API or cloud mode.",
  bot: 'calls not sent: the user agent is a bot, which klaviyo.js does not track; nothing goes to the Client API or cloud mode either.',
  klaviyoRetired:
    "klaviyo.js still holds the previous shopper on this page: the next shopper's calls go down the delivery ladder until the next page.",
  // Consent and reset
  noConsent: '{0} not sent: consent denied.',
  consentDeniedHere:
    "{0} not sent: the message's consent (context.consentManagement) denies this destination's consents.",
  consentQueueFull: 'waiting for consent: more than {0} calls held; the oldest was dropped.',
  consentDropped: 'consent denied: {0} waiting call(s) discarded.',
  resetDropped:
    'reset: {0} call(s) of the previous user discarded (waiting for start or consent, or held while anonymous).',
  resetFailed: 'reset failed.',
  formsIdentifyFailed: 'identifyFromForms: identifying the form submission in the host analytics failed: {0}',
  // Cloud mode
  noCloudMode:
    '{0} not delivered ({1}): it needs cloud mode. Set cloudMode { dataPlaneUrl, writeKey } to forward it to our endpoint (klaviyo-device-mode/server) or a RudderStack data plane.',
  forwardFailed: '{0} not forwarded: the forwarder failed.',
  forwarderResetFailed: 'forwarder reset failed.',
  forwarderStartStop: 'the cloud-mode forwarder failed to start or stop.',
  tiersFailed:
    'the Client API and cloud-mode tiers could not be loaded ({0}): what klaviyo.js did not take is kept and sent from a later page.',
  tiersQueueFull:
    'the Client API and cloud-mode tiers are still loading: more than {0} calls wait; the oldest was dropped.',
  tooBig: '{0} not forwarded: {1} bytes is over the {2}-byte limit per event.',
  queueFull: 'cloud-mode queue full ({0}): dropped the oldest event, {1} {2}.',
  queueDiscarded: 'cloud mode: {0} queued event(s) of the previous user discarded.',
  delivered: 'cloud mode: delivered {0} event(s).',
  willRetry: 'cloud mode: {0}; will retry.',
  gaveUp: '{0} {1} dropped: still undelivered {2} h after it was queued ({3} attempts, last: {4}).',
  refused: '{0} event(s) dropped: the data plane refused them with {1} (not retryable).',
  netError: 'a network error or timeout',
  badStoredQueue: 'a stored cloud-mode queue was not valid JSON; it is kept aside in localStorage as {0}, not sent.',
  tookOver: 'cloud mode: took over {0} undelivered event(s) from an earlier page or closed tab.',
  identityInMemory:
    "localStorage {0}: the visitor's anonymousId, userId and traits are kept in memory only (not across reloads).",
  noStorage: 'localStorage {0}: the cloud-mode queue is kept in memory only (not across reloads or tabs).',
  // Script tag
  alreadyStarted: 'load() ignored: already started.',
  couldNotStart: 'could not start.',
} as const;

/** A key of {@link MESSAGES}. */
export type MessageKey = keyof typeof MESSAGES;

/**
 * Make every log line and mapping warning from now on carry its full text instead of its key, for
 * every copy of the package on the page. For development: the texts weigh about 1.8 KiB (brotli).
 */
export function installMessages(): void {
  (globalThis as Record<string, unknown>)[MESSAGES_GLOBAL] = MESSAGES;
}
