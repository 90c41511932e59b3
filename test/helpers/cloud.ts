import { vi } from 'vitest';
import { CloudForwarder } from '../../src/cloud/CloudForwarder.js';
import type { Transport } from '../../src/cloud/httpTransport.js';
import { createLogger } from '../../src/logger/createLogger.js';
import { recordingSink } from './harness.js';

export const CLOUD = { dataPlaneUrl: 'https://dp.example.com', writeKey: 'wk1' };
export const START = Date.UTC(2026, 10, 23, 12, 0, 0);

export interface Request {
  url: string;
  headers: Record<string, string>;
  body: { batch: Array<Record<string, any>>; sentAt: string };
  at: number;
}

/** A transport answering from `answer` (a status per call), recording every request with its time. */
export function fakeTransport(answer: (request: Request, index: number) => number | Promise<number> = () => 200) {
  const requests: Request[] = [];
  const transport: Transport = async (url, headers, body) => {
    const request = { url, headers, body: JSON.parse(body), at: Date.now() - START };
    requests.push(request);
    return answer(request, requests.length - 1);
  };
  return { requests, transport };
}

let counter = 0;
const live: CloudForwarder[] = [];

/** Dispose every forwarder a test made (their listeners are on the shared window). */
export function disposeAll(): void {
  live.splice(0).forEach((f) => f.dispose());
}

/** A forwarder with fake transport/beacon, deterministic ids and jitter, on the test window. */
export function forwarder(
  options: {
    answer?: (r: Request, i: number) => number | Promise<number>;
    beacon?: (url: string, body: string) => boolean;
    random?: () => number;
    storage?: any;
    listId?: string;
  } = {},
) {
  const log = recordingSink();
  const net = fakeTransport(options.answer);
  const beacons: Array<{ url: string; body: any }> = [];
  const f = new CloudForwarder(
    { cloudMode: CLOUD, listId: options.listId, consent: ['email'], smsConsent: false },
    createLogger('debug', log.sink),
    window,
    {
      transport: net.transport,
      beacon: (url, body) => {
        const ok = options.beacon ? options.beacon(url, body) : true;
        if (ok) beacons.push({ url, body: JSON.parse(body) });
        return ok;
      },
      random: options.random ?? (() => 0.5),
      uuid: () => `id-${++counter}`,
      storage: options.storage,
    },
  );
  live.push(f);
  return { f, log, requests: net.requests, beacons };
}

/** Fake timers with Date at START; counter reset. */
export function useClock(): void {
  counter = 0;
  vi.useFakeTimers({ now: START });
}

/** Let pending promise callbacks run (the fake transport resolves asynchronously). */
export async function settle(ms = 0): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

/** An in-memory Storage whose reads or writes can be made to throw, like Safari private mode or a full quota. */
export class FlakyStorage implements Storage {
  private data = new Map<string, string>();
  failWrites = false;
  failAll = false;
  get length() {
    this.check();
    return this.data.size;
  }
  key(i: number) {
    this.check();
    return [...this.data.keys()][i] ?? null;
  }
  getItem(k: string) {
    this.check();
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.check();
    if (this.failWrites) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    this.data.set(k, String(v));
  }
  removeItem(k: string) {
    this.check();
    this.data.delete(k);
  }
  clear() {
    this.data.clear();
  }
  private check() {
    if (this.failAll) throw new DOMException('The operation is insecure.', 'SecurityError');
  }
  [name: string]: unknown;
}
