import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { vi } from 'vitest';

const STAND_IN = readFileSync(resolve(process.cwd(), 'e2e/fixtures/klaviyo-standin.js'), 'utf8');

/** Run the klaviyo.js stand-in as if the browser had just executed `script`. */
export function runStandIn(script?: HTMLScriptElement): void {
  Object.defineProperty(document, 'currentScript', { configurable: true, get: () => script ?? null });
  try {
    new Function(STAND_IN)();
  } finally {
    Object.defineProperty(document, 'currentScript', { configurable: true, get: () => null });
  }
}

/** What the stand-in recorded: the exact commands klaviyo.js received, in order. */
export function klaviyoReceived(): unknown[] {
  return (window as unknown as { __klaviyoStandIn?: { commands: unknown[] } }).__klaviyoStandIn?.commands ?? [];
}

type Outcome = 'load' | 'error' | 'hang';

// The real methods, taken once: a second serveKlaviyo() in a test must not wrap the first one's spy.
const insertBefore = Node.prototype.insertBefore;
const appendChild = Node.prototype.appendChild;

/**
 * Decide what happens to the next klaviyo.js `<script>` inserted: `load` runs the stand-in and fires
 * `load` (as a browser does: execute, then `load`), `error` fires `error` (an ad blocker), `hang`
 * fires nothing. Returns the inserted klaviyo scripts.
 */
export function serveKlaviyo(outcome: Outcome): HTMLScriptElement[] {
  const inserted: HTMLScriptElement[] = [];
  const settings = (window as unknown as { happyDOM: { settings: Record<string, unknown> } }).happyDOM.settings;
  settings.handleDisabledFileLoadingAsSuccess = outcome === 'load';
  const intercept = (node: Node) => {
    if (node instanceof HTMLScriptElement && /klaviyo\.com/.test(node.src)) {
      inserted.push(node);
      if (outcome === 'load') runStandIn(node);
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
