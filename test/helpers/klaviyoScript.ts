import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { vi } from 'vitest';
import { createClientApiStandIn, type ClientApiStandIn } from '../../e2e/clientApiStandIn.mjs';

const read = (file: string) => readFileSync(resolve(process.cwd(), 'e2e/fixtures/klaviyo-js', file), 'utf8');
/** The klaviyo.js stand-in (e2e/fixtures/klaviyo-js/README.md), by the URL each part is served at. */
const LOADER = read('klaviyo.js');
const MODULES: Array<[RegExp, string, 'static' | 'static-tracking']> = [
  [/static\.klaviyo\.com\/onsite\/js\/sharedUtils/, 'sharedUtils.js', 'static'],
  [/static-tracking\.klaviyo\.com\/onsite\/js\/fender_analytics/, 'fender_analytics.js', 'static-tracking'],
  [
    /static-tracking\.klaviyo\.com\/onsite\/js\/post_identification_sync/,
    'post_identification_sync.js',
    'static-tracking',
  ],
];
const CODE = new Map(MODULES.map(([, file]) => [file, read(file)]));
/** The parts of klaviyo.js that ran on this page. */
const ran = new Set<string>();

/** Run one module of the stand-in, once per page. */
function runModule(file: string, script?: HTMLScriptElement): void {
  if (ran.has(file)) return;
  ran.add(file);
  run(CODE.get(file)!, script);
}

const KLAVIYO_JS_URL = 'https://static.klaviyo.com/onsite/js/klaviyo.js?company_id=AbC123';

/** Run stand-in `code` as if the browser had just executed `script`. */
function run(code: string, script?: HTMLScriptElement): void {
  Object.defineProperty(document, 'currentScript', { configurable: true, get: () => script ?? null });
  try {
    new Function(code)();
  } finally {
    Object.defineProperty(document, 'currentScript', { configurable: true, get: () => null });
  }
}

/** Whether the modules klaviyo.js loads from static-tracking.klaviyo.com arrive, or are blocked (EasyPrivacy). */
let tracking: 'load' | 'blocked' = 'load';

/**
 * Klaviyo's hosts as the page sees them in unit tests: a.klaviyo.com answered by a Client API stand-in
 * (what klaviyo.js sends, and our Client API rung when a test gives it no transport of its own), or
 * refused as a blocklist refuses it. test/setup.ts routes the page's fetch here.
 */
export interface KlaviyoNetwork {
  clientApi: ClientApiStandIn;
  /** a.klaviyo.com refused (AdGuard, DNS-level lists). */
  blocked: boolean;
}
const NETWORK = '__klaviyoNetwork';
const network = () => (globalThis as Record<string, unknown>)[NETWORK] as KlaviyoNetwork | undefined;

/** The Client API stand-in answering a.klaviyo.com for this test (made on first use). */
export function klaviyoNet(): KlaviyoNetwork {
  const existing = network();
  if (existing) return existing;
  const made: KlaviyoNetwork = { clientApi: createClientApiStandIn(), blocked: false };
  (globalThis as Record<string, unknown>)[NETWORK] = made;
  return made;
}

/** Every event klaviyo.js itself sent (client/events and its cache upload), as Klaviyo recorded them. */
export function klaviyoJsSent() {
  return klaviyoNet()
    .clientApi.account.events()
    .filter((e) => e.via === 'klaviyo.js' && e.metric !== '__activity__');
}

/**
 * Run the klaviyo.js stand-in as if the browser had just executed `script` (a klaviyo.js that arrives
 * late): the loader, then the modules it loads (those on static-tracking only when they are not
 * blocked).
 */
export function runStandIn(script?: HTMLScriptElement): void {
  const before = tracking;
  tracking = 'load';
  try {
    if (!ran.has('loader')) {
      ran.add('loader');
      // A klaviyo.js put on the page by a tag manager is still served for one account: ours.
      const tag = script ?? Object.assign(document.createElement('script'), { src: KLAVIYO_JS_URL });
      run(LOADER, tag);
    }
    // Without serveKlaviyo()'s interception nothing executes the module scripts the loader inserted;
    // under a blocklist, the static-tracking ones never ran.
    for (const [, file] of MODULES) runModule(file);
  } finally {
    tracking = before;
  }
}

/**
 * What the tracker ran: the exact commands Klaviyo's code received, in order, callbacks left out, and
 * without the side-effect-free question (`isIdentified`) the core asks at start.
 */
export function klaviyoReceived(): unknown[] {
  const commands = (window as unknown as { __klaviyoStandIn?: { commands: unknown[][] } }).__klaviyoStandIn?.commands;
  return (commands ?? []).filter((c) => c[0] !== 'isIdentified');
}

type Outcome = 'load' | 'tracking-blocked' | 'error' | 'hang';

// The real methods, taken once: a second serveKlaviyo() in a test must not wrap the first one's spy.
const insertBefore = Node.prototype.insertBefore;
const appendChild = Node.prototype.appendChild;

/**
 * Decide what happens to the next klaviyo.js `<script>` inserted: `load` runs the loader and the modules
 * it loads (sharedUtils from static.klaviyo.com, the tracker and the cache upload from
 * static-tracking.klaviyo.com), in the order it inserts them; `tracking-blocked` runs the loader and
 * sharedUtils while static-tracking is blocked (uBlock Origin's EasyPrivacy: klaviyo.js loads, nothing
 * answers); `error` fires `error` (the script itself blocked); `hang` fires nothing. With
 * `{ clientApi: 'blocked' }`, a.klaviyo.com is refused too. Returns the inserted klaviyo.js scripts.
 */
export function serveKlaviyo(outcome: Outcome, options: { clientApi?: 'blocked' } = {}): HTMLScriptElement[] {
  klaviyoNet().blocked = options.clientApi === 'blocked';
  const inserted: HTMLScriptElement[] = [];
  const settings = (window as unknown as { happyDOM: { settings: Record<string, unknown> } }).happyDOM.settings;
  settings.handleDisabledFileLoadingAsSuccess = outcome === 'load' || outcome === 'tracking-blocked';
  tracking = outcome === 'load' ? 'load' : 'blocked';
  const intercept = (node: Node) => {
    if (!(node instanceof HTMLScriptElement)) return;
    const module = MODULES.find(([url]) => url.test(node.src));
    if (module) {
      if (module[2] === 'static' || tracking === 'load') runModule(module[1], node);
      else node.type = 'text/x-blocked'; // nothing runs
    } else if (/klaviyo\.com/.test(node.src)) {
      inserted.push(node);
      if ((outcome === 'load' || outcome === 'tracking-blocked') && !ran.has('loader')) {
        ran.add('loader');
        run(LOADER, node);
      }
      // happy-dom ignores scripts of a non-JavaScript type: nothing fires, as with a hung request.
      if (outcome === 'hang') node.type = 'text/x-hang';
    }
  };
  vi.spyOn(Node.prototype, 'insertBefore').mockImplementation(function (this: Node, node, child) {
    intercept(node);
    return insertBefore.call(this, node, child);
  });
  vi.spyOn(Node.prototype, 'appendChild').mockImplementation(function (this: Node, node) {
    intercept(node);
    return appendChild.call(this, node);
  });
  return inserted;
}

/** Give klaviyo.js time to answer an identify (its 300 ms debounce and the request), with fake or real timers. */
export async function klaviyoAnswers(ms = 400): Promise<void> {
  if (vi.isFakeTimers()) await vi.advanceTimersByTimeAsync(ms);
  else await new Promise((r) => setTimeout(r, ms));
}

/** Remove every global, element, cookie and network a test left behind. */
export function cleanPage(): void {
  const w = window as unknown as Record<string, unknown>;
  for (const key of [
    'klaviyo',
    '_klOnsite',
    '_learnq',
    '__klaviyoStandIn',
    '__klaviyoStandInSync',
    'klaviyoDeviceModeOptions',
    NETWORK,
  ])
    delete w[key];
  document.head.innerHTML = '';
  document.body.innerHTML = '';
  for (const cookie of ['__kla_id', '__kla_off'])
    document.cookie = `${cookie}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  tracking = 'load';
  ran.clear();
}
