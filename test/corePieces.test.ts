import { describe, expect, it } from 'vitest';
import { Gate } from '../src/core/Gate.js';
import { routeOf } from '../src/core/routes.js';
import { boundedPush } from '../src/util/boundedPush.js';
import { rudderMessage } from './helpers/messages.js';

describe('routeOf: the routing table', () => {
  it.each([
    ['page', { device: true, fallback: false }],
    ['track', { device: true, fallback: true }],
    ['identify', { device: true, fallback: true }],
    ['group', { device: false, forward: 'group', fallback: false }],
    ['screen', { device: false, forward: 'screen', fallback: false }],
    ['alias', { refuse: 'alias' }],
  ])('%s', (type, route) => {
    expect(routeOf(rudderMessage({ type }), undefined)).toEqual(route);
  });

  it('an identify with list data is forwarded at once and does not fall back a second time', () => {
    const withList = rudderMessage({ type: 'identify', traits: { properties: { listId: 'L1' } } });
    expect(routeOf(withList, undefined)).toEqual({ device: true, forward: 'list subscription', fallback: false });
    const subscribe = rudderMessage({ type: 'identify', traits: { properties: { subscribe: true } } });
    expect(routeOf(subscribe, undefined)).toEqual({ device: true, fallback: true });
    expect(routeOf(subscribe, 'L9')).toEqual({ device: true, forward: 'list subscription', fallback: false });
  });

  it('unknown and inherited types have no route', () => {
    expect(routeOf(rudderMessage({ type: 'toString' }), undefined)).toBeUndefined();
    expect(routeOf(rudderMessage({ type: 7 }), undefined)).toBeUndefined();
  });
});

describe('Gate: a queue that starts paused', () => {
  it('holds while closed (bounded, oldest dropped), runs in order on open, then at once', () => {
    const ran: number[] = [];
    const dropped: number[] = [];
    const gate = new Gate<number>(
      false,
      2,
      (n) => ran.push(n),
      (n) => dropped.push(n),
    );
    [1, 2, 3].forEach((n) => gate.push(n));
    expect(ran).toEqual([]);
    expect(dropped).toEqual([1]);
    gate.openNow();
    gate.push(4);
    expect(ran).toEqual([2, 3, 4]);
    expect(gate.clear()).toBe(0);
  });
});

describe('boundedPush', () => {
  it('drops the oldest past the bound and hands it over', () => {
    const list = [1, 2];
    const dropped: number[] = [];
    boundedPush(list, 3, 2, (n) => dropped.push(n));
    expect(list).toEqual([2, 3]);
    expect(dropped).toEqual([1]);
  });
});
