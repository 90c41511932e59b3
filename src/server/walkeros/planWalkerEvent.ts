import { getMappingValue } from '@walkeros/core';
import type { Collector, Mapping as WalkerMapping, WalkerOS } from '@walkeros/core';
import { eventAttributes } from '../../clientApi/clientApiBodies.js';
import type { KlaviyoMetric } from '../../mapping/KlaviyoMetric.js';
import { mapTrack } from '../../mapping/mapTrack.js';
import { asObject, asText } from '../../mapping/readFields.js';
import { toE164 } from '../../mapping/toE164.js';
import { toJsonObject, toJsonValue } from '../../mapping/toJsonValue.js';
import { toNumber } from '../../mapping/toNumber.js';
import type { JsonObject } from '../../mapping/types.js';
import type { Mapping, Settings } from './WalkerosSettings.js';

/** What one walkerOS event asks of Klaviyo: its profile, an upsert (identify), its events. */
export interface WalkerWork {
  /** The profile's identifiers: email, phone_number, external_id (at least one). */
  profile: JsonObject;
  /** The profile's attributes to upsert (its identifiers and the identify mapping's values), if any. */
  upsert?: JsonObject;
  /** Event attributes (metric, properties, time, value, value_currency, unique_id): none when silent. */
  events: JsonObject[];
}

/** The walkerOS profile attributes of an identify mapping → Klaviyo's. */
const PROFILE_FIELDS: Record<string, string> = {
  firstName: 'first_name',
  lastName: 'last_name',
  organization: 'organization',
  title: 'title',
  image: 'image',
};

/**
 * One walkerOS event as Klaviyo work (docs/walkeros.md), with walkerOS's own Klaviyo destination's
 * rules: identifiers from the `email`, `phoneNumber` and `externalId` value paths; the identify
 * mapping (the rule's, else the destination's) upserts the profile; unless the rule is silent (or
 * `skip`), one event named `rule.name` (else the event's name), with the rule's `data` as properties,
 * `settings.value` as revenue and a `unique_id`. An event named Placed Order (or its `eventNames`
 * name) is keyed by its order id and brings one Ordered Product per nested `product`, keyed as the
 * browser keys them. Returns the reason instead when the event has no identifier. Never throws for
 * an event's content.
 */
export async function planWalkerEvent(
  event: WalkerOS.Event,
  rule: WalkerMapping.Rule<Mapping> | undefined,
  data: unknown,
  settings: Settings,
  collector: Collector.Instance,
): Promise<WalkerWork | string> {
  const value = async (mapping: WalkerMapping.Value | undefined): Promise<unknown> =>
    mapping === undefined ? undefined : getMappingValue(event, mapping, { collector });
  const profile: JsonObject = {};
  const email = asText(await value(settings.email));
  if (email) profile.email = email;
  const phone = await value(settings.phoneNumber);
  const e164 = toE164(phone);
  if (e164) profile.phone_number = e164;
  const externalId = asText(await value(settings.externalId));
  if (externalId) profile.external_id = externalId;
  if (!Object.keys(profile).length) {
    return `no email, E.164 phone number or external id (settings.email, phoneNumber, externalId): Klaviyo needs one to attach "${event.name}"${
      phone !== undefined && !e164
        ? `; the phone number ${JSON.stringify(phone)} is not E.164 (+ and country code)`
        : ''
    }`;
  }
  const work: WalkerWork = { profile, events: [] };
  const identify = await value(rule?.settings?.identify ?? settings.identify);
  if (asObject(identify)) work.upsert = profileAttributes(profile, identify as Record<string, unknown>);
  if (rule?.silent === true || (rule as { skip?: unknown } | undefined)?.skip === true) return work;

  const metric = typeof rule?.name === 'string' && rule.name ? rule.name : event.name;
  const named = (m: KlaviyoMetric) => settings.eventNames?.[m] ?? m;
  const isOrder = metric === named('Placed Order');
  const properties = toJsonObject(data ?? {}, 'properties', []);
  const time = Number.isFinite(event.timestamp) ? new Date(event.timestamp).toISOString() : undefined;
  const revenue = toNumber(await value(rule?.settings?.value));
  const uniqueId =
    asText(await value(rule?.settings?.uniqueId ?? settings.uniqueId)) ??
    (isOrder ? asText(asObject(event.data)?.id) : undefined) ??
    event.id;
  const order = eventAttributes(metric, properties, time);
  order.unique_id = uniqueId;
  withRevenue(order, revenue, settings.currency);
  work.events.push(order);
  if (isOrder) work.events.push(...orderLines(event, uniqueId, order, time, settings));
  return work;
}

/**
 * Ordered Product per nested `product` entity, from the browser's own mapping (same `unique_id`:
 * order id + `_` + product id), and `Items`/`ItemNames` on the Placed Order when its data has none.
 */
function orderLines(
  event: WalkerOS.Event,
  orderId: string,
  order: JsonObject,
  time: string | undefined,
  settings: Settings,
): JsonObject[] {
  const products = (event.nested ?? [])
    .filter((entity) => entity.entity === 'product')
    .map((entity) => toJsonValue(entity.data, 'product', []) ?? {});
  if (!products.length) return [];
  const { commands } = mapTrack(
    { type: 'track', event: 'Order Completed', properties: { order_id: orderId, products } },
    { eventNames: settings.eventNames },
  );
  const [placed, ...lines] = commands;
  const properties = order.properties as JsonObject;
  if (placed?.[0] === 'track')
    for (const key of ['Items', 'ItemNames'])
      if (!(key in properties) && placed[2][key] !== undefined) properties[key] = placed[2][key];
  return lines.flatMap((command) => {
    if (command[0] !== 'track') return [];
    const line = eventAttributes(command[1], command[2], time);
    withRevenue(line, typeof line.value === 'number' ? line.value : undefined, settings.currency);
    return [line];
  });
}

/** Revenue as Klaviyo reads it: the event's `value`, with `value_currency` (never in properties). */
function withRevenue(attributes: JsonObject, revenue: number | undefined, currency: string | undefined): void {
  delete attributes.value;
  delete attributes.value_currency;
  if (revenue === undefined) return;
  attributes.value = revenue;
  if (currency) attributes.value_currency = currency;
}

/** The profile's identifiers with what the identify mapping resolved, in Klaviyo's names. */
function profileAttributes(profile: JsonObject, resolved: Record<string, unknown>): JsonObject {
  const out: JsonObject = { ...profile };
  for (const [from, to] of Object.entries(PROFILE_FIELDS)) {
    const v = asText(resolved[from]);
    if (v) out[to] = v;
  }
  const location = asObject(toJsonValue(resolved.location, 'location', []));
  if (location && Object.keys(location).length) out.location = location;
  const properties = asObject(toJsonValue(resolved.properties, 'properties', []));
  if (properties && Object.keys(properties).length) out.properties = properties;
  return out;
}
