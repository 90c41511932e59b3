import type { Logger } from '../logger/createLogger.js';
import { say } from '../logger/say.js';
import { asObject, asText } from '../mapping/readFields.js';
import type { JsonObject } from '../mapping/types.js';

/** Klaviyo's window event for its signup forms; `detail.type` `submit` or `stepSubmit` carries the fields. */
const FORMS_EVENT = 'klaviyoForms';
const FIELDS: Array<[string, string]> = [
  ['$email', 'email'],
  ['$phone_number', 'phone'],
  ['$first_name', 'firstName'],
  ['$last_name', 'lastName'],
];

/**
 * With `identifyFromForms`, turn each Klaviyo form submission that carries an email or a phone
 * number (`detail.metaData`) into `host().identify(traits)`: the host analytics (our global,
 * RudderStack's or Segment's analytics instance), once per identity. The core calls it when the option
 * is on. Never throws into the page.
 */
export function identifyFromForms(win: Window, host: () => unknown, logger: Logger): void {
  let last = '';
  win.addEventListener(FORMS_EVENT, (event) => {
    try {
      const detail = asObject((event as CustomEvent).detail);
      if (detail?.type !== 'submit' && detail?.type !== 'stepSubmit') return;
      const data = asObject(detail.metaData) ?? {};
      const traits: JsonObject = {};
      for (const [from, to] of FIELDS) {
        const value = asText(data[from]);
        if (value) traits[to] = value;
      }
      const key = JSON.stringify(traits);
      if ((!traits.email && !traits.phone) || key === last) return;
      last = key;
      const analytics = host() as { identify?: unknown } | undefined;
      if (typeof analytics?.identify === 'function')
        (analytics.identify as (t: JsonObject) => unknown).call(analytics, traits);
    } catch (error) {
      logger.warn(say('formsIdentifyFailed', error));
    }
  });
}
