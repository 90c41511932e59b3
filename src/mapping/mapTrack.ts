import type { KlaviyoMetric } from './KlaviyoMetric.js';
import { say } from '../logger/say.js';
import { ecommerceMetric } from './ecommerceMetric.js';
import { itemCategories, itemNames, mapItems } from './mapItems.js';
import {
  applyTable,
  asStringList,
  asText,
  field,
  isPresent,
  mergeWithoutOverwrite,
  readFields,
  setPresent,
  table,
  type Fields,
} from './readFields.js';
import { toJsonObject } from './toJsonValue.js';
import { toNumber } from './toNumber.js';
import type { JsonObject, KlaviyoCommand, MapResult, RudderMessage } from './types.js';

/** Options of {@link mapTrack}. */
export interface TrackMappingOptions {
  /** Override Klaviyo metric names (e.g. to avoid a clash with a platform's own tracking). @default undefined */
  eventNames?: Partial<Record<KlaviyoMetric, string>>;
}

const PRODUCT = 'ProductName=name ProductID=product_id,productId/t SKU=sku ImageURL=image_url,imageUrl URL=url';
const CATEGORIES = 'Categories=categories,category/l';
const VIEWED = table(
  `${PRODUCT} Brand=brand Price=price/n CompareAtPrice=compare_at_price,compareAtPrice/n ${CATEGORIES}`,
);
const ADDED = table(`${PRODUCT} Price=price/n Quantity=quantity/n ${CATEGORIES}`, 'AddedItem');
const VIEWED_ITEM = table('Title=ProductName ItemId=ProductID Categories=Categories ImageUrl=ImageURL Url=URL');
const METADATA = table('Brand=Brand Price=Price CompareAtPrice=CompareAtPrice');
const ORDER = table('Categories=categories/l');

/**
 * The event name of a track, trimmed, case kept. A number or boolean becomes its text (reported);
 * anything else, or a blank name, gives `undefined`.
 */
export function trackEventName(event: unknown, warnings: string[]): string | undefined {
  if (typeof event === 'string' && event.trim()) return event.trim();
  if ((typeof event === 'number' && Number.isFinite(event)) || typeof event === 'boolean') {
    warnings.push(say('nameType', event, typeof event));
    return String(event);
  }
  warnings.push(say('noEventName'));
  return undefined;
}

/**
 * Map a track to Klaviyo commands (docs/behaviour.md, "track"). E-commerce spec events are renamed and reshaped;
 * every other event keeps its name (trimmed, case kept). Pure: never mutates `message`, never throws.
 */
export function mapTrack(message: RudderMessage, options: TrackMappingOptions = {}): MapResult {
  const warnings: string[] = [];
  const name = trackEventName(field(message, 'event'), warnings);
  if (name === undefined) return { commands: [], warnings };
  const properties = toJsonObject(field(message, 'properties'), 'properties', warnings);
  const metric = ecommerceMetric(name);
  // A custom event keeps its properties as they are (our copy), with revenue as `$value`.
  if (!metric) return { commands: [['track', name, customProperties(properties, warnings)]], warnings };
  const f = readFields(properties);
  const named = (m: KlaviyoMetric) => options.eventNames?.[m] ?? m;
  const out: JsonObject = {};
  const commands: KlaviyoCommand[] = [['track', named(metric), out]];
  if (metric === 'Viewed Product') {
    applyTable(out, f, VIEWED);
    setValue(out, f, ['revenue'], warnings);
    finish(out, f, warnings);
    const event = readFields(out);
    const item = applyTable({}, event, VIEWED_ITEM);
    const metadata = applyTable({}, event, METADATA);
    if (Object.keys(metadata).length) item.Metadata = metadata;
    if ('Title' in item || 'ItemId' in item) commands.push(['trackViewedItem', item]);
    else warnings.push(say('noViewedItem'));
  } else if (metric === 'Added to Cart') {
    setValue(out, f, ['value', 'revenue'], warnings);
    applyTable(out, f, ADDED);
    lines(out, f, warnings);
    finish(out, f, warnings);
  } else if (metric === 'Started Checkout') {
    setPresent(out, '$event_id', asText(f.take('order_id', 'orderId')));
    setValue(out, f, ['value', 'revenue'], warnings);
    applyTable(out, f, ORDER);
    lines(out, f, warnings);
    finish(out, f, warnings);
  } else {
    placedOrder(out, f, named('Ordered Product'), commands, warnings);
  }
  return { commands, warnings };
}

/**
 * A custom event's properties: `copy` itself (the mapping's own copy), with `revenue` as `$value` as
 * {@link setValue} does it for an e-commerce event: a numeric `revenue` becomes `$value` (a raw
 * `$value` beside it is dropped, reported); a non-numeric one stays as `revenue` (reported) and a raw
 * `$value` is coerced or dropped. Changed in place: no second copy on the hot path. These are
 * setValue's rules for one key, written again on purpose: one function shared by both was 20–30 %
 * slower on this path (docs/performance.md); the mapTrack table checks both sets of rows.
 */
function customProperties(copy: JsonObject, warnings: string[]): JsonObject {
  if (copy.revenue === undefined && copy.$value === undefined) return copy;
  let value: number | undefined;
  if (isPresent(copy.revenue)) {
    value = toNumber(copy.revenue);
    if (value === undefined) warnings.push(say('valueNotNumber', 'revenue'));
    else delete copy.revenue;
  }
  const raw = isPresent(copy.$value) ? toNumber(copy.$value) : null; // null: absent or blank, dropped silently
  if (raw !== null && value !== undefined) warnings.push(say('valueTwice'));
  else if (raw === undefined) warnings.push(say('valueDropped'));
  else if (raw !== null) value = raw;
  if (value === undefined) delete copy.$value;
  else copy.$value = value;
  return copy;
}

/**
 * `$value` from the first of `keys` that holds a number (numeric strings coerced; 0 is a value).
 * A non-numeric source is left in place and reported. A raw `$value` is coerced or dropped: `$value`
 * is never a string.
 */
function setValue(out: JsonObject, f: Fields, keys: string[], warnings: string[]): void {
  for (const key of keys) {
    const raw = f.peek(key);
    if (!isPresent(raw)) continue;
    const value = toNumber(raw);
    if (value === undefined) {
      warnings.push(say('valueNotNumber', key));
      continue;
    }
    f.take(key);
    out.$value = value;
    break;
  }
  const raw = f.take('$value');
  if (raw === undefined) return;
  const value = toNumber(raw);
  if ('$value' in out) warnings.push(say('valueTwice'));
  else if (value === undefined) warnings.push(say('valueDropped'));
  else out.$value = value;
}

/** Pass the unused properties through, without replacing a mapped key. */
function finish(out: JsonObject, f: Fields, warnings: string[]): void {
  for (const key of mergeWithoutOverwrite(out, f.rest())) warnings.push(say('propClash', key));
}

/** `Items`, `ItemNames` and `Categories` from the lines, unless given explicitly. */
function lines(out: JsonObject, f: Fields, warnings: string[]): JsonObject[] | undefined {
  const source = f.peek('products') !== undefined ? 'products' : 'items';
  const items = mapItems(f.first(source), `properties.${source}`, warnings);
  setPresent(out, 'ItemNames', asStringList(f.take('item_names')) ?? itemNames(items));
  if (!('Categories' in out)) setPresent(out, 'Categories', itemCategories(items));
  setPresent(out, 'CheckoutURL', f.take('checkout_url'));
  if (items) out.Items = items;
  return items;
}

/** Placed Order, then one Ordered Product per line, each with an `$event_id` unique in the order. */
function placedOrder(
  out: JsonObject,
  f: Fields,
  lineMetric: string,
  commands: KlaviyoCommand[],
  warnings: string[],
): void {
  const orderId = asText(f.take('order_id', 'orderId'));
  if (orderId === undefined) warnings.push(say('noOrderId'));
  setPresent(out, '$event_id', orderId);
  setPresent(out, 'OrderId', orderId);
  setValue(out, f, ['revenue', 'total', 'value'], warnings);
  applyTable(out, f, ORDER);
  const items = lines(out, f, warnings) ?? [];
  finish(out, f, warnings);
  const lineIds = new Set<string>();
  items.forEach((item, i) => {
    let lineId = asText(item.ProductID) ?? asText(item.SKU) ?? String(i + 1);
    if (lineIds.has(lineId)) lineId = `${lineId}_${i + 1}`;
    lineIds.add(lineId);
    const { ProductCategories, brand, ...line } = item;
    setPresent(line, 'Categories', ProductCategories);
    setPresent(line, 'ProductBrand', brand);
    setPresent(line, 'OrderId', orderId);
    if (orderId !== undefined) line.$event_id = `${orderId}_${lineId}`;
    setPresent(line, '$value', toNumber(item.RowTotal) ?? toNumber(item.ItemPrice));
    commands.push(['track', lineMetric, line]);
  });
}
