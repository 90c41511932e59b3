// @vitest-environment node
import { ApiKeySession, EventsApi, ProfilesApi } from 'klaviyo-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKlaviyoServerApi, STAND_IN_PRIVATE_KEY, type KlaviyoServerApiStandIn } from '../e2e/klaviyoServerApi.mjs';
import { eventJobBody, profileImportJobBody, subscriptionJobBody } from '../src/server/serverBodies.js';
import { KLAVIYO_API_REVISION } from '../src/clientApi/clientApiBodies.js';

/**
 * Klaviyo's official Node SDK (`klaviyo-api`) against our stand-in: the stand-in takes what Klaviyo's
 * own client sends, and the bodies the endpoint builds are the ones the SDK puts on the wire.
 */
type StandIn = KlaviyoServerApiStandIn;
let klaviyo: StandIn;
beforeAll(async () => {
  klaviyo = await startKlaviyoServerApi();
});
afterAll(() => klaviyo.close());

function sdk<T extends { basePath: string }>(Api: new (session: ApiKeySession) => T, key = STAND_IN_PRIVATE_KEY): T {
  const api = new Api(new ApiKeySession(key));
  api.basePath = klaviyo.url;
  return api;
}
const lastBody = () => klaviyo.requests[klaviyo.requests.length - 1].body;

const EVENT = {
  messageId: 'm1',
  profile: { email: 'ada@example.com', external_id: 'u1' },
  attributes: {
    properties: { OrderId: 'O-1' },
    metric: { data: { type: 'metric', attributes: { name: 'Placed Order' } } },
    value: 30,
    value_currency: 'EUR',
    unique_id: 'O-1',
    time: '2026-11-23T10:00:00.000Z',
  },
};

describe('the Klaviyo server-API stand-in and the official klaviyo-api SDK', () => {
  it('pins the same revision as the SDK', async () => {
    await sdk(ProfilesApi).createOrUpdateProfile({
      data: { type: 'profile', attributes: { email: 'ada@example.com' } },
    } as never);
    const request = klaviyo.requests[klaviyo.requests.length - 1];
    expect(request.status).toBe(201);
    expect(KLAVIYO_API_REVISION).toBe('2026-07-15');
  });

  it('event bulk job: the SDK body equals ours, and the stand-in takes it', async () => {
    const ours = eventJobBody([{ profile: EVENT.profile, events: [EVENT.attributes] }]);
    const response = await sdk(EventsApi).bulkCreateEvents({
      data: {
        type: 'event-bulk-create-job',
        attributes: {
          eventsBulkCreate: {
            data: [
              {
                type: 'event-bulk-create',
                attributes: {
                  profile: { data: { type: 'profile', attributes: { email: 'ada@example.com', externalId: 'u1' } } },
                  events: {
                    data: [
                      {
                        type: 'event',
                        attributes: {
                          properties: { OrderId: 'O-1' },
                          metric: { data: { type: 'metric', attributes: { name: 'Placed Order' } } },
                          value: 30,
                          valueCurrency: 'EUR',
                          uniqueId: 'O-1',
                          time: new Date('2026-11-23T10:00:00.000Z'),
                        },
                      },
                    ],
                  },
                },
              },
            ],
          },
        },
      },
    } as never);
    expect(response.response.status).toBe(202);
    expect(lastBody()).toEqual(ours);
  });

  it('profile bulk import and subscription job: the SDK bodies equal ours', async () => {
    await sdk(ProfilesApi).bulkImportProfiles({
      data: {
        type: 'profile-bulk-import-job',
        attributes: {
          profiles: {
            data: [
              {
                type: 'profile',
                attributes: { email: 'ada@example.com', firstName: 'Ada', properties: { plan: 'pro' } },
              },
            ],
          },
        },
      },
    } as never);
    expect(klaviyo.requests[klaviyo.requests.length - 1].status).toBe(202);
    expect(lastBody()).toEqual(
      profileImportJobBody([{ email: 'ada@example.com', first_name: 'Ada', properties: { plan: 'pro' } }]),
    );

    const subscriptions = { email: { marketing: { consent: 'SUBSCRIBED' } } };
    await sdk(ProfilesApi).bulkSubscribeProfiles({
      data: {
        type: 'profile-subscription-bulk-create-job',
        attributes: {
          customSource: 'klaviyo-device-mode',
          profiles: { data: [{ type: 'profile', attributes: { email: 'ada@example.com', subscriptions } }] },
        },
        relationships: { list: { data: { type: 'list', id: 'L1' } } },
      },
    } as never);
    expect(klaviyo.requests[klaviyo.requests.length - 1].status).toBe(202);
    expect(lastBody()).toEqual(subscriptionJobBody('L1', [{ email: 'ada@example.com', subscriptions }]));
  });

  it('refuses what Klaviyo refuses: another key (403) and a body without an identifier (400)', async () => {
    const wrong = sdk(EventsApi, 'pk_another000000000000000000000000');
    const body = (profile: Record<string, string>) => eventJobBody([{ profile, events: [EVENT.attributes] }]);
    await expect(wrong.bulkCreateEvents(body(EVENT.profile) as never)).rejects.toMatchObject({
      response: { status: 403 },
    });
    const response = await fetch(`${klaviyo.url}/api/event-bulk-create-jobs`, {
      method: 'POST',
      headers: {
        authorization: `Klaviyo-API-Key ${STAND_IN_PRIVATE_KEY}`,
        revision: KLAVIYO_API_REVISION,
        'content-type': 'application/vnd.api+json',
      },
      body: JSON.stringify(body({})),
    });
    expect(response.status).toBe(400);
    const { errors } = await response.json();
    // One error per bad entry, pointing at it (the engine refuses those and resends the rest).
    expect(errors).toMatchObject([
      {
        detail: 'the profile needs an identifier',
        source: { pointer: '/data/attributes/events-bulk-create/data/0/attributes/events/data/0' },
      },
    ]);
  });
});
