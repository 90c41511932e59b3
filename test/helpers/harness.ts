import type { Forwarder, ForwardReason } from '../../src/cloud/Forwarder.js';
import { DeviceMode } from '../../src/core/DeviceMode.js';
import type { RudderMessage } from '../../src/mapping/types.js';

/** A log sink that records lines by level. */
export function recordingSink() {
  const lines: Array<[level: string, message: string]> = [];
  const at = (level: string) => (message: string) => void lines.push([level, message]);
  return { lines, sink: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

/** A forwarder that records what it is handed, as JSON (so later mutation would show). */
export function recordingForwarder() {
  const forwarded: Array<{ message: RudderMessage; reason: ForwardReason }> = [];
  let resets = 0;
  const forwarder: Forwarder = {
    forward: (message, reason) => void forwarded.push({ message: JSON.parse(JSON.stringify(message)), reason }),
    reset: () => void resets++,
  };
  return { forwarded, forwarder, resets: () => resets };
}

/** A DeviceMode with a recording forwarder and log sink. */
export function deviceMode(options: Record<string, unknown> = {}) {
  const log = recordingSink();
  const cloud = recordingForwarder();
  const core = new DeviceMode(
    { publicApiKey: 'AbC123', logLevel: 'debug', ...options },
    { logSink: log.sink, createForwarder: () => cloud.forwarder },
  );
  return { core, log, cloud };
}
