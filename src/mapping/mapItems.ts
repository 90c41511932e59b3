import { say } from '../logger/say.js';
import {
  applyTable,
  asObject,
  asStringList,
  asText,
  mergeWithoutOverwrite,
  readFields,
  setPresent,
  table,
} from './readFields.js';
import { toNumber } from './toNumber.js';
import type { JsonObject, JsonValue } from './types.js';

/** Guard against binary floating-point noise in computed row totals (0.1 × 3 = 0.30000000000000004). */
const ROUNDING = 1e8;

const ITEM = table(
  'ProductID=product_id,productId,id/t SKU=sku ProductName=name Quantity=quantity/n ItemPrice=price/n ' +
    'ProductURL=url,product_url,productUrl ImageURL=image_url,imageUrl ProductCategories=categories,category/l',
);

/**
 * Map e-commerce lines (`products` or `items`) to Klaviyo's `Items[]` shape (docs/behaviour.md, "track"). Fields this
 * does not know pass through unchanged; a line that is not an object is skipped with a warning.
 */
export function mapItems(lines: JsonValue | undefined, path: string, warnings: string[]): JsonObject[] | undefined {
  if (lines == null) return undefined;
  if (!Array.isArray(lines)) {
    warnings.push(say('notArray', path));
    return undefined;
  }
  const items: JsonObject[] = [];
  lines.forEach((line, i) => {
    const source = asObject(line);
    if (source) items.push(mapItem(source));
    else warnings.push(say('lineNotObject', path, i));
  });
  return items;
}

function mapItem(source: JsonObject): JsonObject {
  const f = readFields(source);
  const total = f.take('total');
  const item = applyTable({}, f, ITEM);
  const unit = toNumber(item.ItemPrice);
  const rowTotal =
    toNumber(total) ??
    (unit === undefined ? undefined : Math.round(unit * (toNumber(item.Quantity) ?? 1) * ROUNDING) / ROUNDING);
  setPresent(item, 'RowTotal', rowTotal ?? total);
  mergeWithoutOverwrite(item, f.rest()); // a clash keeps the mapped value (line keys are not reported)
  return item;
}

/** Product names of the lines, for `ItemNames`. */
export function itemNames(items: JsonObject[] | undefined): string[] | undefined {
  const names = (items ?? []).map((i) => asText(i.ProductName)).filter((v): v is string => !!v);
  return names.length ? names : undefined;
}

/** The de-duplicated union of the lines' categories, for `Categories`. */
export function itemCategories(items: JsonObject[] | undefined): string[] | undefined {
  const all = new Set<string>();
  for (const item of items ?? []) for (const category of asStringList(item.ProductCategories) ?? []) all.add(category);
  return all.size ? [...all] : undefined;
}
