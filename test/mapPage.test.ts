import { describe, expect, it } from 'vitest';
import { mapMessage } from '../src/mapping/mapMessage.js';
import { mapPage } from '../src/mapping/mapPage.js';
import { clone, page, rudderMessage } from './helpers/messages.js';

describe('mapPage', () => {
  it('sends nothing with sendPageAsTrack off — never a nameless track (B3)', () => {
    expect(mapPage(page('Cart', 'Shop'))).toEqual({ commands: [], warnings: [] });
    expect(mapPage(page('Cart', 'Shop'), { sendPageAsTrack: false, additionalPageInfo: true }).commands).toEqual([]);
  });

  it.each([
    ['category and name', 'Cart', 'Shop', 'Viewed Shop Cart page'],
    ['name only', 'Home', undefined, 'Viewed Home page'],
    ['category without name', undefined, 'Shop', 'Viewed a Page'],
    ['neither', undefined, undefined, 'Viewed a Page'],
  ])('names the track from %s', (_t, name, category, metric) => {
    expect(mapPage(page(name, category), { sendPageAsTrack: true }).commands).toEqual([['track', metric, {}]]);
  });

  it('reads name/category from properties when the fields are absent', () => {
    const message = rudderMessage({ type: 'page', properties: { name: 'Cart', category: 'Shop' } });
    expect(mapPage(message, { sendPageAsTrack: true }).commands).toEqual([['track', 'Viewed Shop Cart page', {}]]);
  });

  it('additionalPageInfo attaches a copy of the page properties', () => {
    const message = page('Cart', 'Shop', { path: '/cart', url: 'https://shop.example.com/cart' });
    const before = clone(message);
    const [[, , props]] = mapPage(message, { sendPageAsTrack: true, additionalPageInfo: true }).commands as [
      [string, string, Record<string, unknown>],
    ];
    expect(props).toEqual({ path: '/cart', url: 'https://shop.example.com/cart', name: 'Cart', category: 'Shop' });
    expect(props).not.toBe(message.properties); // B10: a copy, not the host's object
    props.path = '/changed';
    expect(message).toEqual(before);
  });
});

describe('mapMessage', () => {
  it('dispatches by type and explains types it does not map', () => {
    expect(mapMessage(rudderMessage({ type: 'track', event: 'A' })).commands).toEqual([['track', 'A', {}]]);
    expect(mapMessage(rudderMessage({ type: 'group' }))).toEqual({
      commands: [],
      warnings: ['group has no device-mode mapping.'],
    });
    expect(mapMessage(null as never)).toEqual({ commands: [], warnings: ['undefined has no device-mode mapping.'] });
  });

  it('never throws, even on a message whose getters throw', () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom');
        },
      },
    );
    expect(mapMessage(hostile as never).commands).toEqual([]);
    const props = Object.defineProperty({ ok: 1 }, 'bad', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    expect(mapMessage(rudderMessage({ type: 'track', event: 'E', properties: props }))).toEqual({
      commands: [['track', 'E', { ok: 1 }]],
      warnings: ['properties.bad threw when read; dropped.'],
    });
  });
});
