// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module without types
import { startDataPlane } from '../e2e/dataPlane.mjs';

let dp: any;
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(dp.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }).then(async (r) => [r.status, await r.text()]);
const auth = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });
const msg = { type: 'track', event: 'A', anonymousId: 'a1', messageId: 'm1' };

beforeEach(async () => {
  dp = await startDataPlane({ writeKey: 'wk' });
});
afterEach(() => dp.close());

describe('local data plane (the rules of the real gateway)', () => {
  it('accepts a batch with Basic auth and records each message', async () => {
    expect(await post('/v1/batch', { batch: [msg] }, auth('wk'))).toEqual([200, 'ok']);
    expect(dp.received).toEqual([{ ...msg, via: 'batch' }]);
  });

  it('401 without auth or with another key; the beacon path takes ?writeKey=', async () => {
    expect(await post('/v1/batch', { batch: [msg] })).toEqual([401, 'failed to read writekey from header']);
    expect(await post('/v1/batch', { batch: [msg] }, auth('nope'))).toEqual([401, 'invalid write key']);
    expect(await post('/beacon/v1/batch', { batch: [msg] })).toEqual([
      401,
      'failed to read writekey from query params',
    ]);
    expect(await post('/beacon/v1/batch?writeKey=wk', { batch: [msg] }, { 'content-type': 'text/plain' })).toEqual([
      200,
      'ok',
    ]);
    expect(dp.received).toEqual([{ ...msg, via: 'beacon' }]);
  });

  it('400 for bad JSON, an empty batch, or any message without userId and anonymousId (whole batch)', async () => {
    expect(await post('/v1/batch', '{', auth('wk'))).toEqual([400, 'invalid json']);
    expect(await post('/v1/batch', { batch: [] }, auth('wk'))).toEqual([400, 'empty batch payload']);
    expect(await post('/v1/batch', { batch: [msg, { type: 'track', anonymousId: ' ' }] }, auth('wk'))).toEqual([
      400,
      'request neither has anonymousId nor userId',
    ]);
    expect(dp.received).toEqual([]);
  });

  it('413 over 4000 KB', async () => {
    const big = { batch: [{ ...msg, properties: { blob: 'x'.repeat(4000 * 1024) } }] };
    expect(await post('/v1/batch', big, auth('wk'))).toEqual([413, 'request size exceeds max limit']);
  });

  it('fails on request: 500 and 429 a set number of times, then recovers', async () => {
    dp.fail('500', 1);
    expect((await post('/v1/batch', { batch: [msg] }, auth('wk')))[0]).toBe(500);
    dp.fail('429', 1);
    expect(await post('/v1/batch', { batch: [msg] }, auth('wk'))).toEqual([429, 'max requests limit reached']);
    expect((await post('/v1/batch', { batch: [msg] }, auth('wk')))[0]).toBe(200);
    expect(dp.received).toHaveLength(1);
  });

  it('hang never answers; reset drops the connection', async () => {
    dp.fail('hang', 1);
    const hung = await Promise.race([
      post('/v1/batch', { batch: [msg] }, auth('wk')),
      new Promise((r) => setTimeout(() => r('no answer'), 300)),
    ]);
    expect(hung).toBe('no answer');
    dp.fail('reset', 1);
    await expect(post('/v1/batch', { batch: [msg] }, auth('wk'))).rejects.toThrow();
    expect(dp.received).toEqual([]);
  });
});
