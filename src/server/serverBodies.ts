import type { JsonObject } from '../mapping/types.js';

/** Where a subscription says it came from, in Klaviyo. */
const CUSTOM_SOURCE = 'klaviyo-device-mode';

const profileData = (attributes: JsonObject): JsonObject => ({ data: { type: 'profile', attributes } });
/** Profiles as a job's `profiles` member. */
const profileList = (profiles: JsonObject[]): JsonObject => ({
  data: profiles.map((attributes) => ({ type: 'profile', attributes })),
});

/** One profile's part of an event bulk job: its attributes (identifiers, and traits riding along) and its events. */
export interface ProfileEvents {
  profile: JsonObject;
  events: JsonObject[];
}

/**
 * `POST /api/event-bulk-create-jobs`: events of many profiles, one entry per profile (Klaviyo points
 * at entries by their index when it refuses some). A profile entry may carry traits besides its
 * identifiers: Klaviyo updates the profile with them.
 */
export function eventJobBody(groups: ProfileEvents[]): JsonObject {
  const data: JsonObject[] = groups.map((group) => ({
    type: 'event-bulk-create',
    attributes: {
      profile: profileData(group.profile),
      events: { data: group.events.map((attributes) => ({ type: 'event', attributes })) },
    },
  }));
  return { data: { type: 'event-bulk-create-job', attributes: { 'events-bulk-create': { data } } } };
}

/** `POST /api/events`: one event (used when a bulk job was refused without naming the entry at fault). */
export function singleEventBody(profile: JsonObject, attributes: JsonObject): JsonObject {
  return { data: { type: 'event', attributes: { ...attributes, profile: profileData(profile) } } };
}

/** `POST /api/profile-bulk-import-jobs`: profile upserts that ride on no event job. */
export function profileImportJobBody(profiles: JsonObject[]): JsonObject {
  return {
    data: {
      type: 'profile-bulk-import-job',
      attributes: { profiles: profileList(profiles) },
    },
  };
}

/** `POST /api/profile-subscription-bulk-create-jobs`: profiles to subscribe to one list. */
export function subscriptionJobBody(listId: string, profiles: JsonObject[]): JsonObject {
  return {
    data: {
      type: 'profile-subscription-bulk-create-job',
      attributes: {
        custom_source: CUSTOM_SOURCE,
        profiles: profileList(profiles),
      },
      relationships: { list: { data: { type: 'list', id: listId } } },
    },
  };
}
