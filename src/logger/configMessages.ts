import { PRIVATE_KEY_TEXT } from './messages.js';

/**
 * The configuration mistakes, said in full (the bundles otherwise log keys): a person has to act on
 * them. Each names the option and its script-tag attribute, the problem and the fix. The texts travel
 * in the lower tiers chunk, brought when there is a mistake to explain (docs/architecture.md).
 */
export const CONFIG_MESSAGES = {
  keyPrivate: PRIVATE_KEY_TEXT,
  keyMissing:
    'The Klaviyo public API key is missing: set publicApiKey (script tag: data-public-api-key) to your 6-character public API key, from Klaviyo, Settings > API keys. Nothing is sent until then.',
  keyShape:
    'publicApiKey (data-public-api-key) must be 6 letters or digits, but it has {0} characters: copy it again from Klaviyo, Settings > API keys. Nothing is sent until then.',
  keyChar:
    'publicApiKey (data-public-api-key) must be 6 letters or digits, but character {0} is {1}: copy it again from Klaviyo, Settings > API keys. Nothing is sent until then.',
  badOptions:
    'The options could not be read ({0}): pass an object such as { publicApiKey: "AbC123" }. Nothing is sent until then.',
  notBoolean: '{0} must be true or false (script tag: "true" or "false"); it is ignored and {1} is used.',
  notString: '{0} must be a string; it is ignored.',
  badConsent: 'consent accepts only "email" and "sms", e.g. ["email", "sms"]; the other entries are ignored.',
  badCloudMode:
    'cloudMode (data-data-plane-url, data-write-key) is ignored: it needs { dataPlaneUrl: an https URL, writeKey: a non-empty string }. Calls that need cloud mode are dropped until it is fixed.',
  badTimeout: 'loadTimeoutMs (data-load-timeout-ms) must be a positive number of milliseconds; {0} is used.',
  notFunction: '{0} must be a function (in code, or in window.klaviyoDeviceModeOptions); it is ignored.',
  badEventNames:
    'eventNames must be an object such as { "Viewed Product": "My Viewed Product" }; it is ignored and Klaviyo\'s names are used.',
  unknownMetric: 'eventNames: "{0}" is not one of {1}; it is ignored.',
  blankMetric: 'eventNames["{0}"] must be a non-empty string; Klaviyo\'s name is used.',
  badLogLevel: 'logLevel (data-log-level) must be one of {0}; "{1}" is used.',
  unknownAttribute:
    'The script tag attribute {0} is not an option of klaviyo-device-mode and is ignored. Did you mean {1}?',
};

/** A configuration mistake: its key in {@link CONFIG_MESSAGES} and the values its text names. */
export type ConfigProblem = [key: keyof typeof CONFIG_MESSAGES, ...args: unknown[]];

/** A configuration mistake in words, whether or not the log texts are installed. */
export function explain(...[key, ...args]: ConfigProblem): string {
  return CONFIG_MESSAGES[key].replace(/\{(\d)\}/g, (_, i: string) => String(args[+i]));
}
