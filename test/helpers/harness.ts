import type { Forwarder, ForwardReason } from '../../src/cloud/Forwarder.js';
import type { ClientApiTransport } from '../../src/clientApi/ClientApi.js';
import { DeviceMode } from '../../src/core/DeviceMode.js';
import type { HttpAnswer } from '../../src/util/httpPost.js';
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

/** A Client API transport answering `status` (or per request), recording each request's path and body. */
export function fakeClientApi(answer: (path: string, body: any) => number | HttpAnswer = () => 202) {
  const requests: Array<{ path: string; url: string; headers: Record<string, string>; body: any }> = [];
  const transport: ClientApiTransport = async (url, headers, text) => {
    const path = new URL(url).pathname.replace('/client/', '');
    const body = JSON.parse(text);
    requests.push({ path, url, headers, body });
    const a = answer(path, body);
    return typeof a === 'number' ? { status: a } : a;
  };
  return { requests, transport };
}

/**
 * A DeviceMode with a recording forwarder and log sink. The Client API tier is off unless the options
 * turn it on; then it sends through `clientApi` (a fake that answers 202 by default).
 */
export function deviceMode(options: Record<string, unknown> = {}, clientApi = fakeClientApi()) {
  const log = recordingSink();
  const cloud = recordingForwarder();
  const core = new DeviceMode(
    { publicApiKey: 'AbC123', logLevel: 'debug', clientApi: false, ...options },
    { logSink: log.sink, createForwarder: () => cloud.forwarder, clientApiTransport: clientApi.transport },
  );
  return { core, log, cloud, clientApi };
}
