import { afterEach, describe, expect, it } from 'vitest';
import { eventBody, messageIdentifiers, profileBody, subscriptionBody } from '../src/clientApi/clientApiBodies.js';
import { toE164 } from '../src/mapping/toE164.js';
import { exchangeId } from '../src/clientApi/exchangeId.js';
import { withDedupeKey } from '../src/mapping/withDedupeKey.js';

afterEach(() => {
  document.cookie = '__kla_id=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
  history.replaceState(null, '', '/products/1');
});

describe('Client API bodies (JSON:API, revision 2026-07-15)', () => {
  it('profile: identifiers, named attributes, location and custom properties apart', () => {
    expect(
      profileBody({
        $email: 'a@b.co',
        $phone_number: '+15005550006',
        $id: 'u1',
        $exchange_id: 'KX',
        $first_name: 'Ada',
        $last_name: 'Lovelace',
        $organization: 'Engines',
        $title: 'Countess',
        $image: 'https://x/a.png',
        $city: 'London',
        $zip: 'W1',
        plan: 'pro',
      }),
    ).toEqual({
      data: {
        type: 'profile',
        attributes: {
          email: 'a@b.co',
          phone_number: '+15005550006',
          external_id: 'u1',
          _kx: 'KX',
          first_name: 'Ada',
          last_name: 'Lovelace',
          organization: 'Engines',
          title: 'Countess',
          image: 'https://x/a.png',
          location: { city: 'London', zip: 'W1' },
          properties: { plan: 'pro' },
        },
      },
    });
  });

  it.each([
    ['value and key', { $value: 5, $event_id: 'k1', a: 1 }, { value: 5, unique_id: 'k1' }, { a: 1 }],
    ['currency', { $value: 5, currency: 'EUR' }, { value: 5, value_currency: 'EUR' }, { currency: 'EUR' }],
    ['no value', { a: 'x' }, {}, { a: 'x' }],
  ])('event: %s', (_, props, extra, properties) => {
    const body = eventBody('M', props, { email: 'a@b.co' }, '2026-11-23T00:00:00.000Z');
    expect(body).toEqual({
      data: {
        type: 'event',
        attributes: {
          properties,
          metric: { data: { type: 'metric', attributes: { name: 'M' } } },
          profile: { data: { type: 'profile', attributes: { email: 'a@b.co' } } },
          time: '2026-11-23T00:00:00.000Z',
          ...extra,
        },
      },
    });
  });

  it('subscription: the list, the channels it can serve, never an external id', () => {
    const body = subscriptionBody('L1', { email: 'a@b.co', external_id: 'u1' }, { email: true, sms: true });
    expect(body).toEqual({
      data: {
        type: 'subscription',
        attributes: {
          custom_source: 'klaviyo-device-mode',
          profile: {
            data: {
              type: 'profile',
              attributes: { email: 'a@b.co', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } },
            },
          },
        },
        relationships: { list: { data: { type: 'list', id: 'L1' } } },
      },
    });
  });

  it('identifiers of a message: traits over context.traits, E.164 phones only, userId unless email is primary', () => {
    const message = {
      userId: 'u1',
      context: { traits: { email: 'a@b.co', phone: '555' } },
      traits: { phone: '+447911123456' },
    };
    expect(messageIdentifiers(message, true)).toEqual({
      email: 'a@b.co',
      phone_number: '+447911123456',
      external_id: 'u1',
    });
    expect(messageIdentifiers({ ...message, traits: {} }, false)).toEqual({ email: 'a@b.co' });
  });

  it('a track names the shopper by phone as an identify does: the same number, written the same ways', () => {
    // An identify maps '+1 (415) 555-0100' and '0044 7911 123456' to E.164; a track carrying them names the same profile.
    const named = (phone: string) => messageIdentifiers({ context: { traits: { phone } } }, true);
    expect(named('+1 (415) 555-0100')).toEqual({ phone_number: '+14155550100' });
    expect(named('0044 7911 123456')).toEqual({ phone_number: '+447911123456' });
    expect(named('+1234567')).toEqual({}); // 7 digits: not a phone an identify would send either
  });

  it('a phone is normalised as itself whatever came before (the last one is remembered, never mixed up)', () => {
    const phones: unknown[] = ['+1 (415) 555-0100', '+1 (415) 555-0100', '555', '0044 7911 123456', 447911123456];
    const e164 = ['+14155550100', '+14155550100', undefined, '+447911123456', undefined];
    expect([...phones, ...[...phones].reverse()].map(toE164)).toEqual([...e164, ...[...e164].reverse()]);
  });
});

describe('exchangeId', () => {
  it('from the landing URL, else from Klaviyo’s cookie, else none; never throws', () => {
    expect(exchangeId(window)).toBeUndefined();
    document.cookie = `__kla_id=${btoa(JSON.stringify({ $exchange_id: 'FROM_COOKIE' }))}; path=/`;
    expect(exchangeId(window)).toBe('FROM_COOKIE');
    history.replaceState(null, '', '/products/1?_kx=FROM_URL');
    expect(exchangeId(window)).toBe('FROM_URL');
    history.replaceState(null, '', '/products/1');
    document.cookie = '__kla_id=%%%not-base64; path=/';
    expect(exchangeId(window)).toBeUndefined();
    expect(exchangeId(undefined)).toBeUndefined();
  });
});

describe('withDedupeKey', () => {
  it('every track gets the key unless the mapping set its own; other commands unchanged', () => {
    const commands = [
      ['identify', { $email: 'a@b.co' }],
      ['track', 'Placed Order', { $event_id: 'o1' }],
      ['track', 'Custom', { a: 1 }],
      ['trackViewedItem', { Title: 'T' }],
    ] as never;
    expect(withDedupeKey(commands, 'm1')).toEqual([
      ['identify', { $email: 'a@b.co' }],
      ['track', 'Placed Order', { $event_id: 'o1' }],
      ['track', 'Custom', { a: 1, $event_id: 'm1' }],
      ['trackViewedItem', { Title: 'T' }],
    ]);
  });
});
