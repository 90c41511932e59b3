import { LOG_PREFIX, type LogLevel } from '../config/defaults.js';

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
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, none: 4 };

/**
 * A prefixed, levelled logger. It never throws, even if the sink does (a host may replace `console`).
 */
export function createLogger(level: LogLevel, sink: LogSink = console): Logger {
  const threshold = RANK[level] ?? RANK.warn;
  const at =
    (method: Exclude<LogLevel, 'none'>) =>
    (message: string, detail?: unknown): void => {
      if (RANK[method] < threshold) return;
      try {
        if (detail === undefined) sink[method](`${LOG_PREFIX} ${message}`);
        else sink[method](`${LOG_PREFIX} ${message}`, detail);
      } catch {
        // A broken console must not break the host page.
      }
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
