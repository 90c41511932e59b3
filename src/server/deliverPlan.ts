import type { Logger } from '../logger/createLogger.js';
import { toJsonText } from '../util/toJsonText.js';
import type { KlaviyoServerApi, ServerApiOutcome } from './KlaviyoServerApi.js';
import type { Plan, PlannedEvent } from './planBatch.js';
import type { ProfileCache } from './ProfileCache.js';
import { eventJobs, profileImportBody, singleEventBody, subscriptionJobs } from './serverBodies.js';
import { KLAVIYO_CONCURRENCY } from './serverLimits.js';

/** What Klaviyo did with a batch's work. */
export interface Delivery {
  /** Profile upserts, events and subscriptions Klaviyo took (or that were already taken: cached upserts). */
  taken: number;
  /** Work Klaviyo refused for good, by message, with Klaviyo's reason. */
  refused: Array<{ messageId: string; reason: string }>;
  /** The first retryable failure, by priority (429 over 503 over 504 over 502): the browser must retry the batch. */
  retry?: Extract<ServerApiOutcome, { kind: 'retry' }>;
}

const RETRY_PRIORITY: Record<number, number> = { 429: 4, 503: 3, 504: 2, 502: 1 };

/**
 * Send a plan to Klaviyo: upserts (skipping one identical to the last Klaviyo took for that profile),
 * event bulk jobs (a refused job is resent event by event, so one bad event does not sink the others)
 * and subscription jobs, at most {@link KLAVIYO_CONCURRENCY} requests at a time. Resolves when Klaviyo
 * answered all of them; never rejects.
 */
export async function deliverPlan(
  plan: Plan,
  api: KlaviyoServerApi,
  cache: ProfileCache,
  logger: Logger,
): Promise<Delivery> {
  const delivery: Delivery = { taken: 0, refused: [] };
  const settle = (outcome: ServerApiOutcome, messageIds: string[], count: number): void => {
    if (outcome.kind === 'taken') delivery.taken += count;
    else if (outcome.kind === 'refused') {
      for (const messageId of messageIds) delivery.refused.push({ messageId, reason: outcome.reason });
    } else if (!delivery.retry || RETRY_PRIORITY[outcome.status] > RETRY_PRIORITY[delivery.retry.status]) {
      delivery.retry = outcome;
    }
  };

  const tasks: Array<() => Promise<void>> = [];
  for (const upsert of plan.upserts) {
    const body = profileImportBody(upsert.attributes);
    const text = toJsonText(body);
    if (cache.has(upsert.profile, text)) {
      delivery.taken += 1;
      continue;
    }
    tasks.push(async () => {
      const outcome = await api.post('profile-import', body);
      if (outcome.kind === 'taken') cache.set(upsert.profile, text);
      settle(outcome, upsert.messageIds, 1);
    });
  }
  for (const job of eventJobs(plan.events)) {
    tasks.push(async () => {
      const outcome = await api.post('event-bulk-create-jobs', job.body);
      if (outcome.kind === 'refused' && job.events.length > 1) {
        logger.warn(`${outcome.reason}; sending its ${job.events.length} events one by one to find the one at fault.`);
        await pool(job.events.map((event) => () => sendOne(event)));
      } else settle(outcome, ids(job.events), job.events.length);
    });
  }
  for (const job of subscriptionJobs(plan.subscriptions)) {
    tasks.push(async () =>
      settle(
        await api.post('profile-subscription-bulk-create-jobs', job.body),
        ids(job.subscriptions),
        job.subscriptions.length,
      ),
    );
  }
  await pool(tasks);
  return delivery;

  async function sendOne(event: PlannedEvent): Promise<void> {
    settle(await api.post('events', singleEventBody(event)), [event.messageId], 1);
  }
}

const ids = (items: Array<{ messageId: string }>): string[] => [...new Set(items.map((i) => i.messageId))];

/** Run `tasks` with at most {@link KLAVIYO_CONCURRENCY} at a time. */
async function pool(tasks: Array<() => Promise<void>>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(KLAVIYO_CONCURRENCY, tasks.length) }, worker));
}
