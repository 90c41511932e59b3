import type { Destination as WalkerDestination, Logger as WalkerLogger } from '@walkeros/core';
import { createLogger } from '../../logger/createLogger.js';
import { installMessages } from '../../logger/messages.js';
import { ANSWER_BY_MS, DeliveryEngine, type Delivery } from '../delivery/DeliveryEngine.js';
import { engineFor } from '../delivery/engineFor.js';
import { deliveryOptionProblems } from '../deliveryOptionProblems.js';
import { profileKey, type Plan } from '../planBatch.js';
import { redacting } from '../redacting.js';
import { KLAVIYO_BASE_URL } from '../serverLimits.js';
import { planWalkerEvent, type WalkerWork } from './planWalkerEvent.js';
import type { Mapping, Settings } from './WalkerosSettings.js';

/** The destination's walkerOS types: settings, a rule's settings, env, init settings. */
export type Types = WalkerDestination.Types<Settings, Mapping, WalkerDestination.BaseEnv, Partial<Settings>>;
/** Our Klaviyo destination, as walkerOS types a destination. */
export type Destination = WalkerDestination.Instance<Types>;

/**
 * The collector's `config.timeout` we ask for (walkerOS's default is 10 s): longer than the engine's
 * latest answer ({@link ANSWER_BY_MS}), so a push under Klaviyo's limits is answered by us, not cut.
 */
export const WALKEROS_PUSH_TIMEOUT_MS = ANSWER_BY_MS + 3_000;

/**
 * Our Klaviyo destination for walkerOS server flows (docs/walkeros.md): walkerOS's own Klaviyo
 * destination's settings and rules, delivered by the endpoint's engine. `push` and `pushBatch` hand
 * their events to the same pools, so concurrent pushes and the collector's batches leave together in
 * Klaviyo's bulk jobs, at the rate the account allows, shared by instances through `settings.store`.
 * `push` resolves once Klaviyo took the event (or refused it for good: logged) and rejects when a retry
 * can succeed; `pushBatch` reports the entries to retry as a `BatchOutcome`.
 */
export const destinationKlaviyo: Destination = {
  type: 'klaviyo',
  config: { timeout: WALKEROS_PUSH_TIMEOUT_MS },

  init({ config, logger }) {
    const settings = config.settings ?? {};
    const problem =
      (settings.apiKey === undefined ? 'Config settings apiKey missing: ' : '') +
      (deliveryOptionProblems.key(settings.apiKey, 'settings.apiKey') ??
        deliveryOptionProblems.klaviyoBaseUrl(settings.klaviyoBaseUrl ?? KLAVIYO_BASE_URL) ??
        deliveryOptionProblems.currency(settings.currency) ??
        deliveryOptionProblems.eventNames(settings.eventNames) ??
        deliveryOptionProblems.store(settings.store) ??
        '');
    if (problem) logger.throw(`klaviyo-device-mode/walkeros: ${problem}`);
    installMessages(); // mapping warnings in full sentences: a server has no bundle size to save
    const apiKey = (settings.apiKey as string).trim();
    const base = (settings.klaviyoBaseUrl ?? KLAVIYO_BASE_URL).replace(/\/$/, '');
    const engine = engineFor({
      privateApiKey: apiKey,
      klaviyoBaseUrl: base,
      fetch: globalThis.fetch,
      store: settings.store,
      logger: createLogger('debug', redacting(sinkOf(logger), apiKey)),
    });
    const resolved: Settings = {
      ...settings,
      apiKey,
      email: settings.email ?? 'user.email',
      externalId: settings.externalId ?? 'user.id',
      klaviyoBaseUrl: base,
      _engine: engine,
    };
    return { ...config, settings: resolved };
  },

  async push(event, { config, rule, data, collector, logger }) {
    const settings = config.settings as Settings;
    const work = await planWalkerEvent(event, rule, data, settings, collector);
    if (typeof work === 'string') return logger.warn(`skipping the event: ${work}`, { event: event.name });
    const delivery = await engineOf(settings).deliver(planOf([work]));
    for (const { reason } of delivery.refused) logger.warn(`Klaviyo refused "${event.name}": ${reason}`);
    if (delivery.retry) throw new Error(retryText(delivery));
  },

  async pushBatch(batch, { config, rule, collector, logger }) {
    const settings = config.settings as Settings;
    const works = await Promise.all(
      batch.entries.map((entry) =>
        planWalkerEvent(entry.event, entry.rule ?? rule ?? batch.mapping, entry.data, settings, collector),
      ),
    );
    works.forEach((work, i) => {
      if (typeof work === 'string') logger.warn(`skipping the event: ${work}`, { event: batch.entries[i].event.name });
    });
    const delivery = await engineOf(settings).deliver(planOf(works));
    for (const { messageId, reason } of delivery.refused)
      logger.warn(`Klaviyo refused "${batch.entries[Number(messageId)].event.name}": ${reason}`);
    if (!delivery.failed.length) return;
    const error = new Error(retryText(delivery));
    return { failed: delivery.failed.map((messageId) => ({ index: Number(messageId), error })) };
  },
};

export default destinationKlaviyo;

/** The engine init made (a push before init is a walkerOS bug: said plainly). */
function engineOf(settings: Settings): DeliveryEngine {
  if (settings._engine instanceof DeliveryEngine) return settings._engine;
  throw new Error('klaviyo-device-mode/walkeros: push before init; register the destination with the collector.');
}

/** The events' work as the engine's plan: each entry's index is its message id. */
function planOf(works: Array<WalkerWork | string>): Plan {
  const plan: Plan = { upserts: [], events: [], subscriptions: [], skipped: [], ignored: 0 };
  works.forEach((work, i) => {
    if (typeof work === 'string') return;
    const messageId = String(i);
    if (work.upsert)
      plan.upserts.push({ profile: profileKey(work.profile), attributes: work.upsert, messageIds: [messageId] });
    for (const attributes of work.events) plan.events.push({ messageId, profile: work.profile, attributes });
  });
  return plan;
}

const retryText = (delivery: Delivery): string =>
  `Klaviyo did not take it yet (${delivery.retry?.status ?? 503}: ${delivery.retry?.reason ?? 'retry'})${
    delivery.retry?.retryAfterS ? `; retry after ${delivery.retry.retryAfterS} s` : ''
  }`;

/** walkerOS's logger as our engine's sink. */
function sinkOf(logger: WalkerLogger.Instance) {
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (message: unknown, detail?: unknown) =>
    logger[level](String(message), detail);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
