import { KLAVIYO_OFF_COOKIE } from './clearKlaviyoCookie.js';

/**
 * User agents klaviyo.js treats as bots, for which it tracks nothing: crawlers, link previews, page
 * testers and headless browsers (headless Chromium's default "HeadlessChrome" among them). Klaviyo's
 * exact list is not public; these patterns follow its rule. "CUBOT" (a phone brand) is not a bot.
 */
const BOT_USER_AGENT =
  /(?<!cu)bot\b|crawl|spider|slurp|headless|lighthouse|prerender|phantomjs|pingdom|facebookexternalhit|bingpreview|mediapartners/i;

/** Klaviyo's opt-out cookie, set to `true`, among a page's cookies. */
const OPTED_OUT = new RegExp(`(?:^|;\\s*)${KLAVIYO_OFF_COOKIE}=true(?:;|$)`);

/** The last user agent tested, and whether it is a bot's: a page's user agent does not change. */
let lastAgent: string | undefined;
let lastIsBot = false;

/** Why nothing may be sent for this shopper, or `undefined`: Klaviyo's opt-out cookie, or a bot. */
export type OptOut = 'optedOut' | 'bot';

/**
 * Whether the shopper is out of Klaviyo's reach (docs/behaviour.md, "Opt-outs and bots"): Klaviyo's
 * opt-out cookie `__kla_off=true` is set, or the user agent is one klaviyo.js treats as a bot. Then
 * nothing goes anywhere: klaviyo.js tracks nothing, and neither may the Client API or cloud mode.
 */
export function optOutOf(win: Window): OptOut | undefined {
  const agent = win.navigator?.userAgent ?? '';
  if (agent !== lastAgent) {
    lastAgent = agent;
    lastIsBot = BOT_USER_AGENT.test(agent);
  }
  if (lastIsBot) return 'bot';
  return OPTED_OUT.test(win.document?.cookie ?? '') ? 'optedOut' : undefined;
}
