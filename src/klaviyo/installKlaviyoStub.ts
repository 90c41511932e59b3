import { klaviyoWindow, type KlaviyoObject } from './KlaviyoGlobals.js';

const stubs = new WeakSet<object>();

/** True when `value` is a `klaviyo` stub installed by {@link installKlaviyoStub}. */
export function isOwnStub(value: unknown): boolean {
  return typeof value === 'object' && value !== null && stubs.has(value);
}

/**
 * Install Klaviyo's documented pre-load `klaviyo` object when `window.klaviyo` is absent, so calls
 * made before klaviyo.js loads are queued on `window._klOnsite` and replayed by it in order:
 * - `klaviyo.push([command, ...args])` queues the command as is;
 * - `klaviyo.<method>(...args, callback?)` queues `[method, ...args, resolve]` and returns a Promise;
 * - `then`, symbols, `toJSON` and `Object.prototype` members are never queued: `await klaviyo`,
 *   `JSON.stringify(klaviyo)` or string conversion must not enqueue junk that klaviyo.js would choke on.
 * Without `Proxy`, falls back to an array whose `push` forwards to `_klOnsite` (push form only).
 * Returns whether a stub was installed.
 */
export function installKlaviyoStub(win: Window): boolean {
  const k = klaviyoWindow(win);
  if (k.klaviyo) return false;
  k._klOnsite = k._klOnsite || [];
  const enqueue = (...items: unknown[]) => (k._klOnsite as { push(...i: unknown[]): unknown }).push(...items);
  let stub: KlaviyoObject;
  if (typeof Proxy === 'function') {
    stub = new Proxy({} as KlaviyoObject, {
      get(target, prop) {
        if (prop === 'push') return enqueue;
        if (typeof prop === 'symbol' || prop === 'then' || prop === 'toJSON' || prop in Object.prototype) {
          return Reflect.get(target, prop) as unknown;
        }
        return (...args: unknown[]) => {
          const callback =
            typeof args[args.length - 1] === 'function' ? (args.pop() as (r: unknown) => void) : undefined;
          return new Promise((resolve) => {
            enqueue([
              prop,
              ...args,
              (result: unknown) => {
                try {
                  callback?.(result);
                } finally {
                  resolve(result);
                }
              },
            ]);
          });
        };
      },
    });
  } else {
    const list = [] as unknown as KlaviyoObject;
    list.push = enqueue;
    stub = list;
  }
  stubs.add(stub);
  k.klaviyo = stub;
  return true;
}
