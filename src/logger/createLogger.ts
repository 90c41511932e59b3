/** Prefix of every log line. */
export const LOG_PREFIX = '[klaviyo-device-mode]';

/** Lowest level a logger prints; `none` prints nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'none';

/** Where log lines go; `console` by default. */
export interface LogSink {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface Logger {
  debug(message: string, detail?: unknown): void;
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
  /** A logger whose lines read `<scope>: <message>` (e.g. `track: properties.n is NaN…`). */
  child(scope: string): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, none: 4 };

/**
 * A prefixed, levelled logger. It never throws, even if the sink does (a host may replace `console`).
 */
export function createLogger(level: LogLevel, sink: LogSink = console, scope = ''): Logger {
  const threshold = RANK[level] ?? RANK.warn;
  const head = scope ? `${LOG_PREFIX} ${scope}: ` : `${LOG_PREFIX} `;
  const at =
    (method: Exclude<LogLevel, 'none'>) =>
    (message: string, detail?: unknown): void => {
      if (RANK[method] < threshold) return;
      try {
        if (detail === undefined) sink[method](head + message);
        else sink[method](head + message, detail);
      } catch {
        // A broken console must not break the host page.
      }
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (child) => createLogger(level, sink, scope ? `${scope} ${child}` : child),
  };
}
