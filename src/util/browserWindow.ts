/** The window to work in: the one given (tests, iframes), else the global one; `undefined` outside a browser. */
export function browserWindow(given?: Window): Window | undefined {
  return given ?? (typeof window === 'undefined' ? undefined : window);
}
