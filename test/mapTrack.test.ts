import { describe, expect, it } from 'vitest';
import { mapTrack } from '../src/mapping/mapTrack.js';
import { clone, track } from './helpers/messages.js';

type Row = [title: string, event: unknown, properties: unknown, expected: unknown[]];

const custom: Row[] = [
  ['custom name keeps its case (B1)', 'Checked Out', { step: 2 }, [['track', 'Checked Out', { step: 2 }]]],
  ['custom name is trimmed, case kept', '  Signed Up ', {}, [['track', 'Signed Up', {}]]],
  ['no properties → empty object', 'Signed Up', undefined, [['track', 'Signed Up', {}]]],
  ['null properties do not throw (B7)', 'Signed Up', null, [['track', 'Signed Up', {}]]],
  [
    'revenue → $value',
    'Subscribed',
    { revenue: 90, plan: 'pro' },
    [['track', 'Subscribed', { $value: 90, plan: 'pro' }]],
  ],
  ['revenue 0 is a value (B11)', 'Subscribed', { revenue: 0 }, [['track', 'Subscribed', { $value: 0 }]]],
  ['string revenue is coerced (B11)', 'Subscribed', { revenue: '12.50' }, [['track', 'Subscribed', { $value: 12.5 }]]],
  [
    'currency-prefixed revenue is coerced',
    'Subscribed',
    { revenue: '$9.99' },
    [['track', 'Subscribed', { $value: 9.99 }]],
  ],
  [
    'non-numeric revenue is kept as revenue, never a string $value',
    'Subscribed',
    { revenue: 'lots' },
    [['track', 'Subscribed', { revenue: 'lots' }]],
  ],
  ['raw $value string coerced', 'Subscribed', { $value: '3' }, [['track', 'Subscribed', { $value: 3 }]]],
  ['raw non-numeric $value dropped', 'Subscribed', { $value: 'x' }, [['track', 'Subscribed', {}]]],
  ['raw null $value dropped', 'Subscribed', { $value: null, a: 1 }, [['track', 'Subscribed', { a: 1 }]]],
  [
    'revenue and a raw $value: revenue wins, the raw $value is dropped',
    'Subscribed',
    { plan: 'pro', revenue: 5, $value: 7, seats: 2 },
    [['track', 'Subscribed', { $value: 5, plan: 'pro', seats: 2 }]],
  ],
  [
    'non-numeric revenue beside a raw $value: the $value is used, revenue kept',
    'Subscribed',
    { revenue: 'lots', $value: '3' },
    [['track', 'Subscribed', { $value: 3, revenue: 'lots' }]],
  ],
  ['blank revenue passes through', 'Subscribed', { revenue: ' ' }, [['track', 'Subscribed', { revenue: ' ' }]]],
  [
    'nested properties pass through',
    'Quiz',
    { answers: { q1: 'a' }, list: [1, 2] },
    [['track', 'Quiz', { answers: { q1: 'a' }, list: [1, 2] }]],
  ],
  ['numeric event name becomes text', 42, {}, [['track', '42', {}]]],
  ['nameless track is not sent', '', { a: 1 }, []],
  ['null event name is not sent', null, { a: 1 }, []],
];

const viewed = {
  name: 'Winnie the Pooh',
  product_id: '1111',
  sku: 'WINNIEPOOH',
  image_url: 'https://shop.example.com/pooh.png',
  url: 'https://shop.example.com/pooh',
  brand: 'Kids Books',
  price: 9.99,
  compare_at_price: '14.99',
  categories: ['Fiction', 'Children'],
  shelf: 'B2',
};

const ecommerce: Row[] = [
  [
    'Product Viewed → Viewed Product + trackViewedItem',
    'Product Viewed',
    viewed,
    [
      [
        'track',
        'Viewed Product',
        {
          ProductName: 'Winnie the Pooh',
          ProductID: '1111',
          SKU: 'WINNIEPOOH',
          ImageURL: 'https://shop.example.com/pooh.png',
          URL: 'https://shop.example.com/pooh',
          Brand: 'Kids Books',
          Price: 9.99,
          CompareAtPrice: 14.99,
          Categories: ['Fiction', 'Children'],
          shelf: 'B2',
        },
      ],
      [
        'trackViewedItem',
        {
          Title: 'Winnie the Pooh',
          ItemId: '1111',
          Categories: ['Fiction', 'Children'],
          ImageUrl: 'https://shop.example.com/pooh.png',
          Url: 'https://shop.example.com/pooh',
          Metadata: { Brand: 'Kids Books', Price: 9.99, CompareAtPrice: 14.99 },
        },
      ],
    ],
  ],
  [
    'Product Clicked, any case and underscores, single category',
    ' product_CLICKED ',
    { product_id: 7, category: 'Games' },
    [
      ['track', 'Viewed Product', { ProductID: '7', Categories: ['Games'] }],
      ['trackViewedItem', { ItemId: '7', Categories: ['Games'] }],
    ],
  ],
  [
    'Product Viewed without name or id: no trackViewedItem',
    'Product Viewed',
    { brand: 'X' },
    [['track', 'Viewed Product', { Brand: 'X' }]],
  ],
  ['Product Viewed with null properties (B7)', 'Product Viewed', null, [['track', 'Viewed Product', {}]]],
  [
    'Product Added → Added to Cart with AddedItem*, Items from products (B6), derived ItemNames (B5)',
    'Product Added',
    {
      value: 29.98,
      name: 'Pooh',
      product_id: '1111',
      sku: 'P1',
      image_url: 'https://i/p.png',
      url: 'https://u/p',
      price: 9.99,
      quantity: 1,
      categories: ['Fiction'],
      checkout_url: 'https://shop.example.com/checkout',
      products: [
        {
          product_id: '1111',
          sku: 'P1',
          name: 'Pooh',
          price: 9.99,
          quantity: 1,
          url: 'https://u/p',
          image_url: 'https://i/p.png',
          categories: ['Fiction'],
        },
        { product_id: '2222', name: 'Piglet', price: 9.995, quantity: 2, category: 'Children', gift: true },
      ],
    },
    [
      [
        'track',
        'Added to Cart',
        {
          $value: 29.98,
          AddedItemProductName: 'Pooh',
          AddedItemProductID: '1111',
          AddedItemSKU: 'P1',
          AddedItemImageURL: 'https://i/p.png',
          AddedItemURL: 'https://u/p',
          AddedItemPrice: 9.99,
          AddedItemQuantity: 1,
          AddedItemCategories: ['Fiction'],
          ItemNames: ['Pooh', 'Piglet'],
          Categories: ['Fiction', 'Children'],
          CheckoutURL: 'https://shop.example.com/checkout',
          Items: [
            {
              ProductID: '1111',
              SKU: 'P1',
              ProductName: 'Pooh',
              Quantity: 1,
              ItemPrice: 9.99,
              RowTotal: 9.99,
              ProductURL: 'https://u/p',
              ImageURL: 'https://i/p.png',
              ProductCategories: ['Fiction'],
            },
            {
              ProductID: '2222',
              ProductName: 'Piglet',
              Quantity: 2,
              ItemPrice: 9.995,
              RowTotal: 19.99,
              ProductCategories: ['Children'],
              gift: true,
            },
          ],
        },
      ],
    ],
  ],
  ['Product Added with null properties does not throw (B7)', 'Product Added', null, [['track', 'Added to Cart', {}]]],
  [
    'Product Added: items used when products absent; given item_names win',
    'Product Added',
    { item_names: ['A', 'B'], items: [{ name: 'x', total: '5' }] },
    [['track', 'Added to Cart', { ItemNames: ['A', 'B'], Items: [{ ProductName: 'x', RowTotal: 5 }] }]],
  ],
  [
    'Checkout Started → Started Checkout, ItemNames from lines (B5)',
    'Checkout Started',
    {
      order_id: 'cart-9',
      value: '59.97',
      checkout_url: 'https://c',
      products: [{ name: 'A', price: 19.99, quantity: 3, categories: ['X', 'Y'] }],
      coupon: 'TEN',
    },
    [
      [
        'track',
        'Started Checkout',
        {
          $event_id: 'cart-9',
          $value: 59.97,
          ItemNames: ['A'],
          Categories: ['X', 'Y'],
          CheckoutURL: 'https://c',
          Items: [{ ProductName: 'A', Quantity: 3, ItemPrice: 19.99, RowTotal: 59.97, ProductCategories: ['X', 'Y'] }],
          coupon: 'TEN',
        },
      ],
    ],
  ],
  [
    'Checkout Started with null properties does not throw (B7)',
    'Checkout Started',
    null,
    [['track', 'Started Checkout', {}]],
  ],
  [
    'Checkout Started: given item_names used (B5)',
    'Checkout Started',
    { item_names: ['A'] },
    [['track', 'Started Checkout', { ItemNames: ['A'] }]],
  ],
];

// Segment's classic fixture F1 (segmentio/analytics.js-integrations, integrations/klaviyo), under RudderStack's event name.
const f1 = {
  order_id: '50314b8e9bcf000000000000',
  total: 30,
  revenue: 25,
  shipping: 3,
  tax: 2,
  discount: 2.5,
  coupon: 'hasbros',
  currency: 'USD',
  products: [
    {
      product_id: '507f1f77bcf86cd799439011',
      sku: '45790-32',
      name: 'Monopoly: 3rd Edition',
      price: 19,
      quantity: 1,
      category: 'Games',
      url: 'http://www.example.com/path/to/product',
      image_url: 'http://www.example.com/path/to/product/image.png',
    },
    {
      product_id: '505bd76785ebb509fc183733',
      sku: '46493-32',
      name: 'Suh dude',
      price: 17.38,
      quantity: 2,
      category: 'Interwebs',
      brand: 'Acme',
    },
  ],
};

describe('mapTrack', () => {
  it.each(['constructor', '__proto__', 'valueOf'])(
    'an event named %j is a custom event, not an Object member',
    (event) => {
      expect(mapTrack({ type: 'track', event, properties: { a: 1 } }).commands).toEqual([['track', event, { a: 1 }]]);
    },
  );

  it.each([...custom, ...ecommerce])('%s', (_title, event, properties, expected) => {
    const message = track(event, properties);
    const before = clone(message);
    expect(mapTrack(message).commands).toEqual(expected);
    expect(message).toEqual(before); // B10: the host's message is never mutated
  });

  it('Order Completed → Placed Order + one Ordered Product per line', () => {
    const message = track('Order Completed', f1);
    const before = clone(message);
    const items = [
      {
        ProductID: '507f1f77bcf86cd799439011',
        SKU: '45790-32',
        ProductName: 'Monopoly: 3rd Edition',
        Quantity: 1,
        ItemPrice: 19,
        RowTotal: 19,
        ProductURL: 'http://www.example.com/path/to/product',
        ImageURL: 'http://www.example.com/path/to/product/image.png',
        ProductCategories: ['Games'],
      },
      {
        ProductID: '505bd76785ebb509fc183733',
        SKU: '46493-32',
        ProductName: 'Suh dude',
        Quantity: 2,
        ItemPrice: 17.38,
        RowTotal: 34.76,
        ProductCategories: ['Interwebs'],
        brand: 'Acme',
      },
    ];
    expect(mapTrack(message).commands).toEqual([
      [
        'track',
        'Placed Order',
        {
          $event_id: '50314b8e9bcf000000000000',
          OrderId: '50314b8e9bcf000000000000',
          $value: 25,
          ItemNames: ['Monopoly: 3rd Edition', 'Suh dude'],
          Categories: ['Games', 'Interwebs'],
          Items: items,
          total: 30,
          shipping: 3,
          tax: 2,
          discount: 2.5,
          coupon: 'hasbros',
          currency: 'USD',
        },
      ],
      [
        'track',
        'Ordered Product',
        {
          ProductID: '507f1f77bcf86cd799439011',
          SKU: '45790-32',
          ProductName: 'Monopoly: 3rd Edition',
          Quantity: 1,
          ItemPrice: 19,
          RowTotal: 19,
          ProductURL: 'http://www.example.com/path/to/product',
          ImageURL: 'http://www.example.com/path/to/product/image.png',
          Categories: ['Games'],
          OrderId: '50314b8e9bcf000000000000',
          $event_id: '50314b8e9bcf000000000000_507f1f77bcf86cd799439011',
          $value: 19,
        },
      ],
      [
        'track',
        'Ordered Product',
        {
          ProductID: '505bd76785ebb509fc183733',
          SKU: '46493-32',
          ProductName: 'Suh dude',
          Quantity: 2,
          ItemPrice: 17.38,
          RowTotal: 34.76,
          Categories: ['Interwebs'],
          ProductBrand: 'Acme',
          OrderId: '50314b8e9bcf000000000000',
          $event_id: '50314b8e9bcf000000000000_505bd76785ebb509fc183733',
          $value: 34.76,
        },
      ],
    ]);
    expect(message).toEqual(before);
  });

  it('Order Completed: $value falls back to total, then value', () => {
    const { revenue: _r, ...noRevenue } = f1;
    const [placed] = mapTrack(track('Order Completed', { ...noRevenue, products: [] })).commands;
    expect(placed[2]).toMatchObject({ $value: 30 });
    expect(placed[2]).not.toHaveProperty('total');
    const [byValue] = mapTrack(track('Order Completed', { order_id: 'o', value: '7' })).commands;
    expect(byValue[2]).toEqual({ $event_id: 'o', OrderId: 'o', $value: 7 });
  });

  it('Ordered Product $event_id never collides: sku, then line number, then de-duplicated', () => {
    const lines = [{ sku: 'S1', price: 1 }, { price: 2 }, { product_id: 'P', price: 3 }, { product_id: 'P', price: 4 }];
    const ids = mapTrack(track('Order Completed', { order_id: 'o1', products: lines }))
      .commands.slice(1)
      .map((c) => (c[c.length - 1] as Record<string, unknown>).$event_id);
    expect(ids).toEqual(['o1_S1', 'o1_2', 'o1_P', 'o1_P_4']);
  });

  it('Order Completed without order_id: no $event_id, and says why', () => {
    const { commands, warnings } = mapTrack(
      track('Order Completed', { revenue: 5, products: [{ name: 'A', price: 5 }] }),
    );
    expect(commands).toEqual([
      [
        'track',
        'Placed Order',
        { $value: 5, ItemNames: ['A'], Items: [{ ProductName: 'A', ItemPrice: 5, RowTotal: 5 }] },
      ],
      ['track', 'Ordered Product', { ProductName: 'A', ItemPrice: 5, RowTotal: 5, $value: 5 }],
    ]);
    expect(warnings).toEqual([
      'Order Completed has no order_id: Klaviyo cannot de-duplicate Placed Order or Ordered Product.',
    ]);
  });

  it('eventNames overrides the Klaviyo metric names', () => {
    const eventNames = { 'Viewed Product': 'Hydrogen Viewed Product', 'Ordered Product': 'Line Ordered' };
    expect(mapTrack(track('Product Viewed', { name: 'A' }), { eventNames }).commands[0]).toEqual([
      'track',
      'Hydrogen Viewed Product',
      { ProductName: 'A' },
    ]);
    const order = mapTrack(track('Order Completed', { order_id: 'o', products: [{ sku: 's' }] }), {
      eventNames,
    }).commands;
    expect(order.map((c) => c[1])).toEqual(['Placed Order', 'Line Ordered']);
  });

  it('lines that are not objects are skipped with a reason', () => {
    const { commands, warnings } = mapTrack(track('Product Added', { products: [null, 'x', { name: 'A' }] }));
    expect(commands).toEqual([['track', 'Added to Cart', { ItemNames: ['A'], Items: [{ ProductName: 'A' }] }]]);
    expect(warnings).toEqual([
      'properties.products[0] is not an object; skipped.',
      'properties.products[1] is not an object; skipped.',
    ]);
  });

  it('explains dropped and altered values', () => {
    expect(mapTrack(track('', {})).warnings).toEqual(['track not sent: it has no event name.']);
    expect(mapTrack(track('S', { revenue: 'lots' })).warnings).toEqual([
      "properties.revenue is not a number; not used as $value, sent as 'revenue'.",
    ]);
    expect(mapTrack(track('S', { revenue: 5, $value: 7 })).warnings).toEqual([
      'properties.$value ignored: $value is already mapped.',
    ]);
    expect(mapTrack(track('S', { $value: 'x' })).warnings).toEqual(['properties.$value is not a number; dropped.']);
    expect(mapTrack(track('S', { $value: null })).warnings).toEqual([]);
    expect(mapTrack(track('S', { f: () => 1, n: NaN })).warnings).toEqual([
      'properties.f is a function; dropped.',
      'properties.n is NaN, not a finite number; dropped.',
    ]);
  });

  it('the pushed properties share no object with the input', () => {
    const properties = { nested: { a: 1 }, products: [{ name: 'A', extra: { b: 2 } }] };
    const [[, , out]] = mapTrack(track('Product Added', properties)).commands as [
      [string, string, Record<string, any>],
    ];
    out.Items[0].extra.b = 99;
    expect(properties.products[0].extra.b).toBe(2);
    const [[, , custom]] = mapTrack(track('X', properties)).commands as [[string, string, Record<string, any>]];
    custom.nested.a = 99;
    expect(properties.nested.a).toBe(1);
  });
});
