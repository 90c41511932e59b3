import { toJsonText } from '../util/toJsonText.js';
import type { QueueItem } from './RetryQueue.js';

/** The `/v1/batch` body for `items`, each stamped with `sentAt` (the time of this attempt). */
export function batchBody(items: QueueItem[], sentAt: string): string {
  return toJsonText({ batch: items.map((i) => ({ ...i.m, sentAt })), sentAt });
}

/** The next request's events: those due at `now`, in order, within `maxItems` and `maxBytes` (at least one). */
export function takeBatch(items: QueueItem[], now: number, maxItems: number, maxBytes: number): QueueItem[] {
  const batch: QueueItem[] = [];
  let bytes = 0;
  for (const item of items) {
    if (item.d > now) continue;
    const size = toJsonText(item.m).length;
    if (batch.length && (batch.length >= maxItems || bytes + size > maxBytes)) break;
    batch.push(item);
    bytes += size;
  }
  return batch;
}

/**
 * `items` cut into beacon bodies of at most `maxBytes`; an event too big alone is skipped. Each event
 * is serialised once: a body's length is the empty body plus its events and commas (an ISO `sentAt`
 * always has the same length).
 */
export function beaconChunks(items: QueueItem[], sentAt: string, maxBytes: number): QueueItem[][] {
  const empty = batchBody([], sentAt).length;
  const chunks: QueueItem[][] = [];
  let chunk: QueueItem[] = [];
  let bytes = empty;
  for (const item of items) {
    const size = toJsonText({ ...item.m, sentAt }).length;
    const added = chunk.length ? size + 1 : size;
    if (bytes + added <= maxBytes) {
      chunk.push(item);
      bytes += added;
      continue;
    }
    if (chunk.length) chunks.push(chunk);
    const alone = empty + size <= maxBytes;
    chunk = alone ? [item] : [];
    bytes = alone ? empty + size : empty;
  }
  if (chunk.length) chunks.push(chunk);
  return chunks;
}
