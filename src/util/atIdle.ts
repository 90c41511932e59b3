/** The longest work put off to idle time waits for the page to be idle, in ms. */
export const IDLE_MAX_MS = 2_000;

/** Run `work` when the page is idle (within {@link IDLE_MAX_MS}), or in a moment where idle callbacks are unknown. */
export function atIdle(win: Window, work: () => void): void {
  if (win.requestIdleCallback) win.requestIdleCallback(work, { timeout: IDLE_MAX_MS });
  else setTimeout(work, 1);
}
