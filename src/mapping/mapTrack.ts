import type { KlaviyoMetric } from '../config/KlaviyoOptions.js';
import { ecommerceMetric } from './ecommerceMetric.js';
import { itemCategories, itemNames, mapItems, numberOrKeep } from './mapItems.js';
import { FieldReader, asStringList, asText, field, isPresent, mergeWithoutOverwrite, setPresent } from './readFields.js';
import { toJsonObject } from './toJsonValue.js';
import { toNumber } from './toNumber.js';
import type { JsonObject, KlaviyoCommand, MapResult, RudderMessage } from './types.js';

/** Options of {@link mapTrack}. */
export interface TrackMappingOptions {
  /** Override Klaviyo metric names (e.g. to avoid a clash with a platform's own tracking). @default undefined */
  eventNames?: Partial<Record<KlaviyoMetric, string>>;
}

/**
 * The event name of a track, trimmed, case kept. A number or boolean becomes its text (reported);
 * anything else, or a blank name, gives `undefined`.
 */
export function trackEventName(event: unknown, warnings: string[]): string | undefined {
  if (typeof event === 'string' && event.trim() !== '') return event.trim();
  if ((typeof event === 'number' && Number.isFinite(event)) || typeof event === 'boolean') {
    warnings.push(`track event name ${String(event)} is a ${typeof event}; sent as '${String(event)}'.`);
    return String(event);
  }
  warnings.push('track not sent: it has no event name.');
  return undefined;
}

/**
 * Map a track to Klaviyo commands (SPEC §3 track). E-commerce spec events are renamed and reshaped;
 * every other event keeps its name (trimmed, case kept). Pure: never mutates `message`, never throws.
 */
export function mapTrack(message: RudderMessage, options: TrackMappingOptions = {}): MapResult {
  const warnings: string[] = [];
  const name = trackEventName(field(message, 'event'), warnings);
  if (name === undefined) return { commands: [], warnings };
  const f = new FieldReader(toJsonObject(field(message, 'properties'), 'properties', warnings));
  const metric = ecommerceMetric(name);
  const metricName = (m: KlaviyoMetric) => options.eventNames?.[m] ?? m;
  let commands: KlaviyoCommand[];
  switch (metric) {
    case 'Viewed Product':
      commands = viewedProduct(f, metricName(metric), warnings);
      break;
    case 'Added to Cart':
      commands = [['track', metricName(metric), addedToCart(f, warnings)]];
      break;
    case 'Started Checkout':
      commands = [['track', metricName(metric), startedCheckout(f, warnings)]];
      break;
    case 'Placed Order':
      commands = placedOrder(f, metricName(metric), metricName('Ordered Product'), warnings);
      break;
    default: {
      const out: JsonObject = {};
      setValue(out, f, ['revenue'], warnings);
      commands = [['track', name, finish(out, f, warnings)]];
    }
  }
  return { commands, warnings };
}

/**
 * `$value` from the first of `keys` that holds a number (numeric strings coerced; 0 is a value).
 * A non-numeric source is left in place and reported. A raw `$value` is coerced or dropped: `$value`
 * is never a string.
 */
function setValue(out: JsonObject, f: FieldReader, keys: string[], warnings: string[]): void {
  for (const key of keys) {
    const raw = f.peek(key);
    if (!isPresent(raw)) continue;
    const value = toNumber(raw);
    if (value === undefined) {
      warnings.push(`properties.${key} is not a number; not used as $value, sent as '${key}'.`);
      continue;
    }
    f.take(key);
    out.$value = value;
    break;
  }
  const raw = f.take('$value');
  if (raw === undefined) return;
  if ('$value' in out) warnings.push('properties.$value ignored: $value is already mapped.');
  else if (toNumber(raw) === undefined) warnings.push('properties.$value is not a number; dropped.');
  else out.$value = toNumber(raw) as number;
}

/** Pass the unused properties through, without replacing a mapped key. */
function finish(out: JsonObject, f: FieldReader, warnings: string[]): JsonObject {
  for (const key of mergeWithoutOverwrite(out, f.remaining())) {
    warnings.push(`properties.${key} not sent: it would overwrite the mapped ${key}.`);
  }
  return out;
}

function viewedProduct(f: FieldReader, metric: string, warnings: string[]): KlaviyoCommand[] {
  const out: JsonObject = {};
  setPresent(out, 'ProductName', f.take('name'));
  setPresent(out, 'ProductID', asText(f.take('product_id', 'productId')));
  setPresent(out, 'SKU', f.take('sku'));
  setPresent(out, 'ImageURL', f.take('image_url', 'imageUrl'));
  setPresent(out, 'URL', f.take('url'));
  setPresent(out, 'Brand', f.take('brand'));
  setPresent(out, 'Price', numberOrKeep(f.take('price')));
  setPresent(out, 'CompareAtPrice', numberOrKeep(f.take('compare_at_price', 'compareAtPrice')));
  setPresent(out, 'Categories', asStringList(f.take('categories', 'category')));
  setValue(out, f, ['revenue'], warnings);
  const event = finish(out, f, warnings);

  const item: JsonObject = {};
  setPresent(item, 'Title', event.ProductName);
  setPresent(item, 'ItemId', event.ProductID);
  setPresent(item, 'Categories', event.Categories);
  setPresent(item, 'ImageUrl', event.ImageURL);
  setPresent(item, 'Url', event.URL);
  const metadata: JsonObject = {};
  setPresent(metadata, 'Brand', event.Brand);
  setPresent(metadata, 'Price', event.Price);
  setPresent(metadata, 'CompareAtPrice', event.CompareAtPrice);
  if (Object.keys(metadata).length) item.Metadata = metadata;

  if (!('Title' in item) && !('ItemId' in item)) {
    warnings.push('trackViewedItem not sent: the product has neither a name nor a product_id.');
    return [['track', metric, event]];
  }
  return [
    ['track', metric, event],
    ['trackViewedItem', item],
  ];
}

/** `Items`, `ItemNames` and `Categories` from the lines, unless given explicitly. */
function lines(out: JsonObject, f: FieldReader, warnings: string[]): JsonObject[] | undefined {
  const source = f.peek('products') !== undefined ? 'products' : 'items';
  const items = mapItems(f.takeFirst(source), `properties.${source}`, warnings);
  setPresent(out, 'ItemNames', asStringList(f.take('item_names')) ?? itemNames(items));
  if (!('Categories' in out)) setPresent(out, 'Categories', itemCategories(items));
  setPresent(out, 'CheckoutURL', f.take('checkout_url'));
  if (items) out.Items = items;
  return items;
}

function addedToCart(f: FieldReader, warnings: string[]): JsonObject {
  const out: JsonObject = {};
  setValue(out, f, ['value', 'revenue'], warnings);
  setPresent(out, 'AddedItemProductName', f.take('name'));
  setPresent(out, 'AddedItemProductID', asText(f.take('product_id', 'productId')));
  setPresent(out, 'AddedItemSKU', f.take('sku'));
  setPresent(out, 'AddedItemImageURL', f.take('image_url', 'imageUrl'));
  setPresent(out, 'AddedItemURL', f.take('url'));
  setPresent(out, 'AddedItemPrice', numberOrKeep(f.take('price')));
  setPresent(out, 'AddedItemQuantity', numberOrKeep(f.take('quantity')));
  setPresent(out, 'AddedItemCategories', asStringList(f.take('categories', 'category')));
  lines(out, f, warnings);
  return finish(out, f, warnings);
}

function startedCheckout(f: FieldReader, warnings: string[]): JsonObject {
  const out: JsonObject = {};
  setPresent(out, '$event_id', asText(f.take('order_id', 'orderId')));
  setValue(out, f, ['value', 'revenue'], warnings);
  setPresent(out, 'Categories', asStringList(f.take('categories')));
  lines(out, f, warnings);
  return finish(out, f, warnings);
}

function placedOrder(f: FieldReader, metric: string, lineMetric: string, warnings: string[]): KlaviyoCommand[] {
  const out: JsonObject = {};
  const orderId = asText(f.take('order_id', 'orderId'));
  if (orderId === undefined) {
    warnings.push('Order Completed has no order_id: Klaviyo cannot de-duplicate Placed Order or Ordered Product.');
  }
  setPresent(out, '$event_id', orderId);
  setPresent(out, 'OrderId', orderId);
  setValue(out, f, ['revenue', 'total', 'value'], warnings);
  setPresent(out, 'Categories', asStringList(f.take('categories')));
  const items = lines(out, f, warnings) ?? [];
  const commands: KlaviyoCommand[] = [['track', metric, finish(out, f, warnings)]];
  const lineIds = new Set<string>();
  items.forEach((item, i) => {
    let lineId = asText(item.ProductID) ?? asText(item.SKU) ?? String(i + 1);
    if (lineIds.has(lineId)) lineId = `${lineId}_${i + 1}`;
    lineIds.add(lineId);
    const { ProductCategories, brand, ...rest } = item;
    const line: JsonObject = { ...rest };
    setPresent(line, 'Categories', ProductCategories);
    setPresent(line, 'ProductBrand', brand);
    setPresent(line, 'OrderId', orderId);
    setPresent(line, '$event_id', orderId === undefined ? undefined : `${orderId}_${lineId}`);
    setPresent(line, '$value', toNumber(item.RowTotal) ?? toNumber(item.ItemPrice));
    commands.push(['track', lineMetric, line]);
  });
  return commands;
}
