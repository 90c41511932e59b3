import {
  eventAttributes,
  messageIdentifiers,
  profileAttributes,
  subscriptionProfile,
} from '../clientApi/clientApiBodies.js';
import { exchangeIdOf } from '../cloud/withIdentity.js';
import type { ConsentChannel } from '../config/KlaviyoOptions.js';
import { subscriptionIntent } from '../tiers/subscriptionRequest.js';
import { hasListData } from '../mapping/hasListData.js';
import type { KlaviyoMetric } from '../mapping/KlaviyoMetric.js';
import { mapIdentify } from '../mapping/mapIdentify.js';
import { mapTrack } from '../mapping/mapTrack.js';
import { asObject, asText } from '../mapping/readFields.js';
import { toJsonObject } from '../mapping/toJsonValue.js';
import type { JsonObject, RudderMessage } from '../mapping/types.js';
import { withDedupeKey } from '../mapping/withDedupeKey.js';

/** The endpoint's options that shape the Klaviyo bodies. */
export interface PlanConfig {
  listId: string | undefined;
  consent: ConsentChannel[];
  smsConsent: boolean;
  currency: string | undefined;
  eventNames: Partial<Record<KlaviyoMetric, string>>;
  enforceEmailAsPrimary: boolean;
}

/** One profile upsert (`profile-import`): the identify calls of one profile in a batch, merged in order. */
export interface PlannedUpsert {
  /** The profile's identifiers as text: the key of the upsert cache. */
  profile: string;
  attributes: JsonObject;
  messageIds: string[];
}

/** One event: its profile's identifiers and its attributes (metric, properties, value, unique_id, time). */
export interface PlannedEvent {
  messageId: string;
  profile: JsonObject;
  attributes: JsonObject;
}

/** One profile to subscribe to a list. */
export interface PlannedSubscription {
  messageId: string;
  listId: string;
  profile: JsonObject;
}

/** What a batch asks of Klaviyo, and what it does not (with the reason). */
export interface Plan {
  upserts: PlannedUpsert[];
  events: PlannedEvent[];
  subscriptions: PlannedSubscription[];
  /** Messages Klaviyo cannot take, with the reason (logged, answered 200: a retry cannot help). */
  skipped: Array<{ messageId: string; reason: string }>;
  /** page and alias: nothing to do in Klaviyo's server API. */
  ignored: number;
}

/**
 * Turn validated gateway messages into Klaviyo server-API work (docs/cloud-endpoint.md, "Mapping"),
 * with the same mapping as the browser: identify → a profile upsert (and a subscription when it
 * carries list data); track → its Klaviyo events (Order Completed → Placed Order + one Ordered Product
 * per line), each with the dedupe key as `unique_id`; screen → an event named after the screen; group
 * with `traits.subscribe: true` → a subscription to the list `groupId`. Pure; never throws for a
 * message's content.
 */
export function planBatch(messages: RudderMessage[], config: PlanConfig): Plan {
  const plan: Plan = { upserts: [], events: [], subscriptions: [], skipped: [], ignored: 0 };
  const upserts = new Map<string, PlannedUpsert>();
  messages.forEach((message, index) => {
    const messageId = printable(asText(message.messageId)) ?? `#${index}`;
    const skip = (reason: string) => plan.skipped.push({ messageId, reason });
    switch (message.type) {
      case 'identify': {
        const { commands, warnings } = mapIdentify(message, config);
        const command = commands[0];
        if (command?.[0] !== 'identify') return skip(warnings.join(' ') || 'no profile to update');
        const attributes = profileAttributes(command[1]);
        const profile = profileKey(attributes);
        const known = upserts.get(profile);
        if (known) {
          known.attributes = mergeProfile(known.attributes, attributes);
          known.messageIds.push(messageId);
        } else upserts.set(profile, { profile, attributes, messageIds: [messageId] });
        if (hasListData(message, config.listId)) subscribe(message, messageId);
        return;
      }
      case 'track':
      case 'screen': {
        const profile = messageIdentifiers(message, !config.enforceEmailAsPrimary);
        // Klaviyo's exchange id, when the browser knew the shopper only by it (a Klaviyo email link).
        const kx = exchangeIdOf(message);
        if (!Object.keys(profile).length && kx) profile._kx = kx;
        if (!Object.keys(profile).length) {
          return skip(
            'no email, phone number (E.164), userId or Klaviyo exchange id: Klaviyo needs one of them to attach an event',
          );
        }
        const events =
          message.type === 'track' ? trackEvents(message, messageId, config) : screenEvent(message, messageId, config);
        if (typeof events === 'string') return skip(events);
        for (const attributes of events) plan.events.push({ messageId, profile, attributes });
        return;
      }
      case 'group':
        return subscribe(message, messageId);
      case 'page':
      case 'alias':
        plan.ignored += 1;
        return;
      default:
        return skip(`type '${String(message.type)}' is not one of identify, track, screen, group, page, alias`);
    }
  });
  plan.upserts = [...upserts.values()];
  return plan;

  function subscribe(message: RudderMessage, messageId: string): void {
    const intent = subscriptionIntent(message, config);
    const profile = intent && subscriptionProfile(intent.identifiers, intent.channels);
    if (!intent || !profile || !Object.keys(asObject(profile.subscriptions) ?? {}).length) {
      plan.skipped.push({
        messageId,
        reason:
          'no list subscription: it needs a list (groupId, traits.properties.listId or the listId option), subscribe not false (group: traits.subscribe: true), and an email or E.164 phone for the channels asked',
      });
      return;
    }
    plan.subscriptions.push({ messageId, listId: intent.listId, profile });
  }
}

/** The Klaviyo events of a track, or why there are none. */
function trackEvents(message: RudderMessage, messageId: string, config: PlanConfig): JsonObject[] | string {
  const { commands, warnings } = mapTrack(message, config);
  const out: JsonObject[] = [];
  for (const command of withDedupeKey(commands, messageId)) {
    if (command[0] !== 'track') continue; // trackViewedItem feeds the onsite "recently viewed" list only
    out.push(eventOf(command[1], command[2], message, config));
  }
  return out.length ? out : warnings.join(' ') || 'no Klaviyo event';
}

/** A screen as an event named after the screen (`name`, else `Viewed Screen`), keyed by its messageId. */
function screenEvent(message: RudderMessage, messageId: string, config: PlanConfig): JsonObject[] {
  const properties = { ...toJsonObject(message.properties, 'properties', []), $event_id: messageId };
  return [eventOf(asText(message.name) ?? 'Viewed Screen', properties, message, config)];
}

function eventOf(metric: string, properties: JsonObject, message: RudderMessage, config: PlanConfig): JsonObject {
  const time = asText(message.originalTimestamp);
  const attributes = eventAttributes(metric, properties, time && !Number.isNaN(Date.parse(time)) ? time : undefined);
  // An order's lines carry no currency of their own: the call's currency, else the option's.
  const currency = asText(asObject(message.properties)?.currency) ?? config.currency;
  if (typeof attributes.value === 'number' && !attributes.value_currency && currency) {
    attributes.value_currency = currency;
  }
  return attributes;
}

/**
 * A messageId as it may appear in a log line and a response: control characters replaced (a forged
 * newline cannot start a fake log line), cut at 100 characters.
 */
function printable(id: string | undefined): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  return id === undefined ? undefined : id.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 100);
}

/** A profile's identifiers as a stable key (email, phone, external id, exchange id). */
export function profileKey(attributes: JsonObject): string {
  return JSON.stringify([attributes.email, attributes.phone_number, attributes.external_id, attributes._kx]);
}

/** Two upserts of one profile as one: the later wins field by field, and their properties and location merge. */
export function mergeProfile(earlier: JsonObject, later: JsonObject): JsonObject {
  const out: JsonObject = { ...earlier, ...later };
  for (const key of ['properties', 'location']) {
    const a = asObject(earlier[key]);
    const b = asObject(later[key]);
    if (a && b) out[key] = { ...a, ...b };
  }
  return out;
}
