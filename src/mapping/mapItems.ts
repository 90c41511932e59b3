import { FieldReader, asObject, asStringList, asText, setPresent } from './readFields.js';
import { toNumber } from './toNumber.js';
import type { JsonObject, JsonValue } from './types.js';

/** Guard against binary floating-point noise in computed row totals (0.1 × 3 = 0.30000000000000004). */
const ROUNDING = 1e8;

/** A number from `value` when it is numeric; otherwise `value` unchanged (nothing is lost). */
export function numberOrKeep(value: JsonValue | undefined): JsonValue | undefined {
  return toNumber(value) ?? value;
}

/**
 * Map e-commerce lines (`products` or `items`) to Klaviyo's `Items[]` shape (SPEC §3). Fields this
 * does not know pass through unchanged; a line that is not an object is skipped with a warning.
 */
export function mapItems(lines: JsonValue | undefined, path: string, warnings: string[]): JsonObject[] | undefined {
  if (lines === undefined || lines === null) return undefined;
  if (!Array.isArray(lines)) {
    warnings.push(`${path} is not an array; ignored.`);
    return undefined;
  }
  const items: JsonObject[] = [];
  lines.forEach((line, i) => {
    const source = asObject(line);
    if (!source) {
      warnings.push(`${path}[${i}] is not an object; skipped.`);
      return;
    }
    items.push(mapItem(source));
  });
  return items;
}

function mapItem(source: JsonObject): JsonObject {
  const f = new FieldReader(source);
  const item: JsonObject = {};
  setPresent(item, 'ProductID', asText(f.take('product_id', 'productId', 'id')));
  setPresent(item, 'SKU', f.take('sku'));
  setPresent(item, 'ProductName', f.take('name'));
  const quantity = f.take('quantity');
  const price = f.take('price');
  const total = f.take('total');
  setPresent(item, 'Quantity', numberOrKeep(quantity));
  setPresent(item, 'ItemPrice', numberOrKeep(price));
  const unit = toNumber(price);
  const rowTotal =
    toNumber(total) ?? (unit === undefined ? undefined : Math.round(unit * (toNumber(quantity) ?? 1) * ROUNDING) / ROUNDING);
  setPresent(item, 'RowTotal', rowTotal ?? total);
  setPresent(item, 'ProductURL', f.take('url', 'product_url', 'productUrl'));
  setPresent(item, 'ImageURL', f.take('image_url', 'imageUrl'));
  setPresent(item, 'ProductCategories', asStringList(f.take('categories', 'category')));
  for (const [key, value] of Object.entries(f.remaining())) {
    if (!(key in item)) item[key] = value;
  }
  return item;
}

/** Product names of the lines, for `ItemNames`. */
export function itemNames(items: JsonObject[] | undefined): string[] | undefined {
  const names = (items ?? []).map((i) => asText(i.ProductName)).filter((n): n is string => n !== undefined);
  return names.length ? names : undefined;
}

/** The de-duplicated union of the lines' categories, for `Categories`. */
export function itemCategories(items: JsonObject[] | undefined): string[] | undefined {
  const all = (items ?? []).flatMap((i) => asStringList(i.ProductCategories) ?? []);
  return all.length ? [...new Set(all)] : undefined;
}
