import type { JsonObject } from '../mapping/types.js';
import { toJsonText } from '../util/toJsonText.js';
import type { PlannedEvent, PlannedSubscription } from './planBatch.js';
import { MAX_EVENTS_PER_JOB, MAX_JOB_BYTES, MAX_PROFILES_PER_SUBSCRIPTION_JOB } from './serverLimits.js';

/** Where a subscription says it came from, in Klaviyo. */
const CUSTOM_SOURCE = 'klaviyo-device-mode';

const profileData = (attributes: JsonObject): JsonObject => ({ data: { type: 'profile', attributes } });

/** `POST /api/profile-import`: create or update one profile by its identifiers. */
export function profileImportBody(attributes: JsonObject): JsonObject {
  return { data: { type: 'profile', attributes } };
}

/** `POST /api/events`: one event (used when a bulk job was refused, to find the event at fault). */
export function singleEventBody(event: PlannedEvent): JsonObject {
  return { data: { type: 'event', attributes: { ...event.attributes, profile: profileData(event.profile) } } };
}

/**
 * `POST /api/event-bulk-create-jobs` bodies for `events`: one entry per profile holding its events,
 * in jobs of at most {@link MAX_EVENTS_PER_JOB} events and about {@link MAX_JOB_BYTES} bytes.
 * Returns each job with the events it carries.
 */
export function eventJobs(events: PlannedEvent[]): Array<{ body: JsonObject; events: PlannedEvent[] }> {
  const jobs: PlannedEvent[][] = [];
  let current: PlannedEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = toJsonText(event.attributes).length + toJsonText(event.profile).length;
    if (current.length && (current.length >= MAX_EVENTS_PER_JOB || bytes + size > MAX_JOB_BYTES)) {
      jobs.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length) jobs.push(current);
  return jobs.map((job) => ({ body: eventJobBody(job), events: job }));
}

function eventJobBody(events: PlannedEvent[]): JsonObject {
  const byProfile = new Map<string, { profile: JsonObject; events: JsonObject[] }>();
  for (const event of events) {
    const key = toJsonText(event.profile);
    const entry = byProfile.get(key) ?? { profile: event.profile, events: [] };
    entry.events.push({ type: 'event', attributes: event.attributes });
    byProfile.set(key, entry);
  }
  const data: JsonObject[] = [...byProfile.values()].map((entry) => ({
    type: 'event-bulk-create',
    attributes: { profile: profileData(entry.profile), events: { data: entry.events } },
  }));
  return { data: { type: 'event-bulk-create-job', attributes: { 'events-bulk-create': { data } } } };
}

/**
 * `POST /api/profile-subscription-bulk-create-jobs` bodies: one job per list (and per
 * {@link MAX_PROFILES_PER_SUBSCRIPTION_JOB} profiles), with the subscriptions that went into it.
 */
export function subscriptionJobs(
  subscriptions: PlannedSubscription[],
): Array<{ body: JsonObject; subscriptions: PlannedSubscription[] }> {
  const byList = new Map<string, PlannedSubscription[][]>();
  for (const s of subscriptions) {
    const chunks = byList.get(s.listId) ?? [[]];
    if (chunks[chunks.length - 1].length >= MAX_PROFILES_PER_SUBSCRIPTION_JOB) chunks.push([]);
    chunks[chunks.length - 1].push(s);
    byList.set(s.listId, chunks);
  }
  return [...byList.entries()].flatMap(([listId, chunks]) =>
    chunks.map((chunk) => ({
      subscriptions: chunk,
      body: {
        data: {
          type: 'profile-subscription-bulk-create-job',
          attributes: {
            custom_source: CUSTOM_SOURCE,
            profiles: { data: chunk.map((s) => ({ type: 'profile', attributes: s.profile })) },
          },
          relationships: { list: { data: { type: 'list', id: listId } } },
        },
      },
    })),
  );
}
