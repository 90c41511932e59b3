import { afterEach, describe, expect, it, vi } from 'vitest';
import { batchBody, beaconChunks, takeBatch } from '../src/cloud/batches.js';
import { parseStoredQueue, RetryQueue, type QueueItem } from '../src/cloud/RetryQueue.js';
import { statusPolicy } from '../src/cloud/statusPolicy.js';
import { TabLease } from '../src/cloud/TabLease.js';
import { createSafeStorage } from '../src/util/safeStorage.js';

const item = (id: string, d = 0, extra: Record<string, string> = {}): QueueItem => ({
  id,
  m: { type: 'track', messageId: id, ...extra },
  n: 0,
  d,
});
const memory = () =>
  createSafeStorage(
    () => undefined,
    () => {},
  );

afterEach(() => {
  vi.useRealTimers();
  localStorage.clear();
});

describe('statusPolicy', () => {
  it.each([
    [200, 3, 'ok'],
    [204, 1, 'ok'],
    [413, 2, 'split'],
    [413, 1, 'drop'],
    [0, 1, 'retry'],
    [408, 1, 'retry'],
    [429, 1, 'retry'],
    [500, 1, 'retry'],
    [503, 1, 'retry'],
    [400, 1, 'drop'],
    [401, 1, 'drop'],
    [404, 1, 'drop'],
  ] as const)('HTTP %i for %i event(s) → %s', (status, size, action) => {
    expect(statusPolicy(status, size)).toBe(action);
  });
});

describe('RetryQueue', () => {
  it('keeps call order, persists each change, drops the oldest past its bound', () => {
    const storage = memory();
    const dropped: string[] = [];
    const q = new RetryQueue(storage, 'k', 2, (i) => dropped.push(i.id));
    q.add(item('a'));
    q.add(item('b'));
    q.add(item('c'));
    expect(q.items.map((i) => i.id)).toEqual(['b', 'c']);
    expect(dropped).toEqual(['a']);
    expect(parseStoredQueue(storage.get('k'))?.map((i) => i.id)).toEqual(['b', 'c']);
    q.remove([q.items[0]]);
    expect(parseStoredQueue(storage.get('k'))?.map((i) => i.id)).toEqual(['c']);
    q.clear();
    expect(storage.get('k')).toBeNull();
  });

  it('counts failed attempts, delays each by its own count, returns what is too old to keep trying', () => {
    const q = new RetryQueue(memory(), 'k', 10, () => {});
    q.add({ ...item('a'), t: 900 });
    q.add({ ...item('b'), n: 2, t: 0 });
    const gaveUp = q.failed(q.items, 1000, (n) => n * 100, 1000);
    expect(gaveUp.map((i) => i.id)).toEqual(['b']);
    expect(q.items).toEqual([{ ...item('a'), n: 1, d: 1100, t: 900 }]);
    expect(q.nextDue()).toBe(1100);
  });

  it('merges a taken-over queue before its own, skipping ids it has, keeping their due times', () => {
    const q = new RetryQueue(memory(), 'k', 3, () => {});
    q.add(item('mine', 5));
    expect(q.merge([item('mine', 9), item('x', 99), item('y', 1)], 50)).toBe(2);
    expect(q.items.map((i) => [i.id, i.d])).toEqual([
      ['x', 99],
      ['y', 1],
      ['mine', 5],
    ]);
  });

  it('parseStoredQueue: undefined for text that is not a queue, entries without id or message skipped', () => {
    expect(parseStoredQueue('{oops')).toBeUndefined();
    expect(parseStoredQueue('{"a":1}')).toBeUndefined();
    expect(parseStoredQueue(null)).toEqual([]);
    expect(parseStoredQueue(JSON.stringify([item('a'), { id: 3 }, null]))?.map((i) => i.id)).toEqual(['a']);
  });
});

describe('batches', () => {
  it('takeBatch: due items in order, within the item and byte bounds, at least one', () => {
    const items = [item('a', 0), item('b', 500), item('c', 0), item('d', 0)];
    expect(takeBatch(items, 100, 2, 1e6).map((i) => i.id)).toEqual(['a', 'c']);
    expect(takeBatch(items, 100, 10, 10).map((i) => i.id)).toEqual(['a']);
    expect(takeBatch(items, -1, 10, 1e6)).toEqual([]);
  });

  it('beaconChunks: each body within the bound, every fitting item once, an item too big alone skipped', () => {
    const sentAt = '2026-11-23T00:00:00.000Z';
    const big = item('big', 0, { pad: 'x'.repeat(400) });
    const items = [item('a'), item('b'), big, item('c')];
    const chunks = beaconChunks(items, sentAt, 200);
    for (const chunk of chunks) expect(batchBody(chunk, sentAt).length).toBeLessThanOrEqual(200);
    expect(chunks.flat().map((i) => i.id)).toEqual(['a', 'b', 'c']);
    expect(JSON.parse(batchBody([item('a')], sentAt))).toEqual({
      batch: [{ type: 'track', messageId: 'a', sentAt }],
      sentAt,
    });
  });
});

describe('TabLease', () => {
  it('a stale queue is claimed by one tab only; a live one and other write keys are left alone', () => {
    vi.useFakeTimers({ now: 100_000 });
    const storage = createSafeStorage(
      () => localStorage,
      () => {},
    );
    const now = () => Date.now();
    const gone = new TabLease(storage, 'kdm.wk.', 'gone', now);
    const live = new TabLease(storage, 'kdm.wk.', 'live', now);
    const other = new TabLease(storage, 'kdm.other.', 'other', now);
    gone.heartbeat();
    other.release();
    vi.setSystemTime(115_000);
    live.heartbeat();
    const a = new TabLease(storage, 'kdm.wk.', 'A', now);
    const b = new TabLease(storage, 'kdm.wk.', 'B', now);
    const taken: string[] = [];
    a.claimAbandoned((tab) => taken.push(`A took ${tab}`));
    b.claimAbandoned((tab) => taken.push(`B took ${tab}`));
    vi.advanceTimersByTime(500);
    expect(taken).toEqual(['A took gone']);
    a.forget('gone');
    expect(storage.keys().filter((k) => k.startsWith('kdm.wk.gone'))).toEqual([]);
  });
});
