import type { LogSink } from '../logger/createLogger.js';

/** A log sink that can never print the private key, whatever a line contains (Klaviyo's error texts too). */
export function redacting(sink: LogSink, secret: string): LogSink {
  const clean = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a.split(secret).join('pk_***') : a));
  return {
    debug: (...a) => sink.debug(...clean(a)),
    info: (...a) => sink.info(...clean(a)),
    warn: (...a) => sink.warn(...clean(a)),
    error: (...a) => sink.error(...clean(a)),
  };
}
