import type { Logger } from './createLogger.js';

/** Log each of `warnings` under `scope` (`track: properties.n is NaN…`); nothing when there are none. */
export function warnAll(logger: Logger, scope: string, warnings: string[]): void {
  if (!warnings.length) return;
  const log = logger.child(scope);
  for (const w of warnings) log.warn(w);
}
