import type { RudderMessage } from '../../src/mapping/types.js';

/** A message shaped like the ones RudderStack's JS SDK v3 builds. */
export function rudderMessage(fields: Partial<RudderMessage>): RudderMessage {
  return {
    channel: 'web',
    anonymousId: 'anon-1',
    userId: '',
    messageId: 'msg-1',
    originalTimestamp: '2026-11-23T00:00:00.000Z',
    integrations: { All: true },
    context: { traits: {}, page: { path: '/', url: 'https://shop.example.com/' } },
    properties: null,
    event: null,
    ...fields,
  };
}

export const identify = (userId: unknown, traits: unknown, extra: Partial<RudderMessage> = {}) =>
  rudderMessage({ type: 'identify', userId, context: { traits }, ...extra });

export const track = (event: unknown, properties?: unknown) => rudderMessage({ type: 'track', event, properties });

export const page = (name?: unknown, category?: unknown, properties: Record<string, unknown> = {}) =>
  rudderMessage({ type: 'page', name, category, properties: { ...properties, name, category } });

/** A deep copy, to prove that a function left its input untouched. */
export const clone = <T>(value: T): T => structuredClone(value);
