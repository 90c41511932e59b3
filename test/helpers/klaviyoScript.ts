import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { vi } from 'vitest';

const LOADER = readFileSync(resolve(process.cwd(), 'e2e/fixtures/klaviyo-loader.js'), 'utf8');
const MODULE = readFileSync(resolve(process.cwd(), 'e2e/fixtures/klaviyo-tracking-module.js'), 'utf8');

/** Run stand-in `code` as if the browser had just executed `script`. */
function run(code: string, script?: HTMLScriptElement): void {
  Object.defineProperty(document, 'currentScript', { configurable: true, get: () => script ?? null });
  try {
    new Function(code)();
  } finally {
    Object.defineProperty(document, 'currentScript', { configurable: true, get: () => null });
  }
}

/** Whether the tracking module the loader fetches arrives (`load`) or is blocked (EasyPrivacy). */
let trackingModule: 'load' | 'blocked' = 'load';

/**
 * Run the klaviyo.js stand-in as if the browser had just executed `script`: the loader, then (unless
 * its host is blocked) the tracking module it fetches, which drains the queue and answers callbacks.
 */
export function runStandIn(script?: HTMLScriptElement): void {
  const before = trackingModule;
  const modules = () =>
    (window as unknown as { __klaviyoStandIn?: { moduleLoads: number } }).__klaviyoStandIn?.moduleLoads;
  const loaded = modules() ?? 0;
  trackingModule = 'load';
  try {
    run(LOADER, script);
  } finally {
    trackingModule = before;
  }
  // Without serveKlaviyo()'s interception nothing executes the module script the loader inserted.
  if ((modules() ?? 0) === loaded) run(MODULE);
}

/**
 * What the tracking module recorded: the exact commands Klaviyo received, in order, callbacks left
 * out, and without the side-effect-free readiness probe (`isIdentified`) the core sends at start.
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
 * Decide what happens to the next klaviyo.js `<script>` inserted: `load` runs the loader stand-in and
 * its tracking module (as a browser does: execute, then `load`); `tracking-blocked` runs the loader
 * but its module's host is blocked (uBlock Origin's EasyPrivacy: klaviyo.js loads, nothing answers);
 * `error` fires `error` (the script itself blocked); `hang` fires nothing. Returns the inserted
 * klaviyo.js scripts.
 */
export function serveKlaviyo(outcome: Outcome): HTMLScriptElement[] {
  const inserted: HTMLScriptElement[] = [];
  const settings = (window as unknown as { happyDOM: { settings: Record<string, unknown> } }).happyDOM.settings;
  settings.handleDisabledFileLoadingAsSuccess = outcome === 'load' || outcome === 'tracking-blocked';
  trackingModule = outcome === 'load' ? 'load' : 'blocked';
  const intercept = (node: Node) => {
    if (!(node instanceof HTMLScriptElement)) return;
    if (/static-tracking\.klaviyo\.com/.test(node.src)) {
      if (trackingModule === 'load') run(MODULE, node);
      else node.type = 'text/x-blocked'; // nothing runs
    } else if (/klaviyo\.com/.test(node.src)) {
      inserted.push(node);
      if (outcome === 'load' || outcome === 'tracking-blocked') run(LOADER, node);
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

/** Remove every global and element a test left behind. */
export function cleanPage(): void {
  const w = window as unknown as Record<string, unknown>;
  for (const key of ['klaviyo', '_klOnsite', '_learnq', '__klaviyoStandIn', 'klaviyoDeviceModeOptions']) delete w[key];
  document.head.innerHTML = '';
  document.body.innerHTML = '';
  document.cookie = '__kla_id=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
}
