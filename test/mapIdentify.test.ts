import { describe, expect, it } from 'vitest';
import { mapIdentify } from '../src/mapping/mapIdentify.js';
import { clone, identify } from './helpers/messages.js';

type Row = [
  title: string,
  userId: unknown,
  traits: unknown,
  expected: Record<string, unknown> | null,
  options?: { enforceEmailAsPrimary?: boolean },
];

// Each row: the identify call, and the exact profile pushed (null: nothing pushed).
const rows: Row[] = [
  ['userId becomes $id', 'u1', { email: 'ada@example.com' }, { $id: 'u1', $email: 'ada@example.com' }],
  ['email aliases: Email', undefined, { Email: 'ada@example.com' }, { $email: 'ada@example.com' }],
  ['email aliases: E-mail', undefined, { 'E-mail': 'ada@example.com' }, { $email: 'ada@example.com' }],
  ['phone normalised to E.164', undefined, { phone: '+1 (500) 555-0006' }, { $phone_number: '+15005550006' }],
  ['phone 00 prefix becomes +', undefined, { Phone: '0044 20 7946 0958' }, { $phone_number: '+442079460958' }],
  [
    'phone without country code is dropped, email kept',
    undefined,
    { email: 'a@b.co', phone: '555-0006' },
    { $email: 'a@b.co' },
  ],
  [
    'first/last camelCase',
    'u1',
    { firstName: 'Ada', lastName: 'Lovelace' },
    { $id: 'u1', $first_name: 'Ada', $last_name: 'Lovelace' },
  ],
  [
    'first/last lowercase',
    'u1',
    { firstname: 'Ada', lastname: 'Lovelace' },
    { $id: 'u1', $first_name: 'Ada', $last_name: 'Lovelace' },
  ],
  [
    'first/last snake_case',
    'u1',
    { first_name: 'Ada', last_name: 'Lovelace' },
    { $id: 'u1', $first_name: 'Ada', $last_name: 'Lovelace' },
  ],
  [
    'name split when first/last absent',
    'u1',
    { name: 'Ada King Lovelace' },
    { $id: 'u1', $first_name: 'Ada', $last_name: 'King Lovelace' },
  ],
  ['single-word name gives first name only', 'u1', { name: 'Ada' }, { $id: 'u1', $first_name: 'Ada' }],
  [
    'name kept as custom when first/last given',
    'u1',
    { name: 'A. L.', firstName: 'Ada' },
    { $id: 'u1', $first_name: 'Ada', name: 'A. L.' },
  ],
  [
    'title and organization',
    'u1',
    { title: 'Countess', organization: 'Analytical' },
    { $id: 'u1', $title: 'Countess', $organization: 'Analytical' },
  ],
  [
    'company.name as organization, rest of company kept',
    'u1',
    { company: { name: 'Analytical', id: 7 } },
    { $id: 'u1', $organization: 'Analytical', company: { id: 7 } },
  ],
  [
    'flat location',
    'u1',
    { city: 'London', region: 'Greater London', country: 'GB', zip: 'W1', address1: '1 Main St', address2: 'Flat 2' },
    {
      $id: 'u1',
      $city: 'London',
      $region: 'Greater London',
      $country: 'GB',
      $zip: 'W1',
      $address1: '1 Main St',
      $address2: 'Flat 2',
    },
  ],
  [
    'state as region, postalCode as zip',
    'u1',
    { state: 'CA', postalCode: '94107' },
    { $id: 'u1', $region: 'CA', $zip: '94107' },
  ],
  [
    'nested address, not repeated as custom',
    'u1',
    { address: { street: '1 Main St', city: 'SF', state: 'CA', postalCode: '94107', country: 'US' } },
    { $id: 'u1', $address1: '1 Main St', $city: 'SF', $region: 'CA', $zip: '94107', $country: 'US' },
  ],
  [
    'unknown address fields kept under address',
    'u1',
    { address: { city: 'SF', unit: '4B' } },
    { $id: 'u1', $city: 'SF', address: { unit: '4B' } },
  ],
  [
    'image → $image',
    'u1',
    { image: 'https://cdn.example.com/a.png' },
    { $id: 'u1', $image: 'https://cdn.example.com/a.png' },
  ],
  [
    'avatar → $image',
    'u1',
    { avatar: 'https://cdn.example.com/a.png' },
    { $id: 'u1', $image: 'https://cdn.example.com/a.png' },
  ],
  ['exchange id alone identifies', undefined, { _kx: 'kx-token' }, { $exchange_id: 'kx-token' }],
  [
    'custom traits pass through',
    'u1',
    { plan: 'gold', vip: true, score: 0, tags: ['a'] },
    { $id: 'u1', plan: 'gold', vip: true, score: 0, tags: ['a'] },
  ],
  ['numeric userId becomes text', 42, { email: 'a@b.co' }, { $id: '42', $email: 'a@b.co' }],
  [
    'traits.userId used when message.userId is absent',
    undefined,
    { userId: 'u9', email: 'a@b.co' },
    { $id: 'u9', $email: 'a@b.co' },
  ],
  [
    'enforceEmailAsPrimary: userId to _id, no $id',
    'u1',
    { email: 'a@b.co' },
    { _id: 'u1', $email: 'a@b.co' },
    { enforceEmailAsPrimary: true },
  ],
  ['enforceEmailAsPrimary: no email or phone → nothing', 'u1', { plan: 'gold' }, null, { enforceEmailAsPrimary: true }],
  [
    'enforceEmailAsPrimary: phone is enough',
    undefined,
    { phone: '+15005550006' },
    { $phone_number: '+15005550006' },
    { enforceEmailAsPrimary: true },
  ],
  ['no identifier at all → nothing', undefined, { plan: 'gold' }, null],
  ['traits.properties (list fields) not sent', 'u1', { properties: { listId: 'L1', subscribe: true } }, { $id: 'u1' }],
  // Regression rows: RudderStack's integration (rudderlabs/rudder-sdk-js, packages/analytics-js-integrations/src/integrations/Klaviyo, and its issue tracker).
  ['B8: anonymousId is never $id', undefined, { plan: 'gold' }, null],
  [
    'B8: enforceEmailAsPrimary never writes anonymousId to _id',
    undefined,
    { email: 'a@b.co' },
    { $email: 'a@b.co' },
    { enforceEmailAsPrimary: true },
  ],
  [
    'B12: image is not dropped',
    'u1',
    { image: 'i.png', timezone: 'Europe/London' },
    { $id: 'u1', $image: 'i.png', timezone: 'Europe/London' },
  ],
  [
    'B12: state/postalCode not sent twice',
    'u1',
    { state: 'CA', postalCode: '1' },
    { $id: 'u1', $region: 'CA', $zip: '1' },
  ],
  [
    'B13: custom $email does not overwrite the mapped email',
    'u1',
    { email: 'real@b.co', $email: 'evil@b.co' },
    { $id: 'u1', $email: 'real@b.co' },
  ],
  ['B13: custom $id does not overwrite userId', 'u1', { $id: 'evil' }, { $id: 'u1' }],
  ['null traits do not throw', 'u1', null, { $id: 'u1' }],
  ['array traits are ignored', 'u1', ['x'], { $id: 'u1' }],
  ['null values of mapped traits are skipped', 'u1', { email: null, city: null }, { $id: 'u1' }],
];

describe('mapIdentify', () => {
  it.each(rows)('%s', (_title, userId, traits, expected, options) => {
    const message = identify(userId, traits);
    const before = clone(message);
    const { commands } = mapIdentify(message, options);
    expect(commands).toEqual(expected === null ? [] : [['identify', expected]]);
    expect(message).toEqual(before);
  });

  it('reads root traits (Segment shape) over context.traits', () => {
    const message = identify('u1', { email: 'old@b.co' }, { traits: { email: 'new@b.co' } });
    expect(mapIdentify(message).commands).toEqual([['identify', { $id: 'u1', $email: 'new@b.co' }]]);
  });

  it('explains each thing it drops', () => {
    const { warnings } = mapIdentify(identify('u1', { phone: '12', $email: 'x@y.z', email: 'a@b.co' }));
    expect(warnings).toEqual(['traits.phone is not an E.164 number (+ country code and digits); dropped.']);
    const none = mapIdentify(identify(undefined, {}));
    expect(none.warnings[0]).toMatch(/^identify not sent: it needs an email/);
  });

  it('warns when a custom $ trait would overwrite a mapped key', () => {
    const { warnings } = mapIdentify(identify('u1', { $id: 'evil' }));
    expect(warnings).toEqual(["trait '$id' not sent: it would overwrite the mapped $id."]);
  });

  it('never throws on odd inputs', () => {
    const odd: unknown[] = [undefined, null, 1, 'x', [], { context: 5 }, { context: { traits: 'x' } }];
    for (const message of odd) expect(() => mapIdentify(message as never)).not.toThrow();
  });
});
