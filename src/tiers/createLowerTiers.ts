import { ClientApi, fetchClientApi } from '../clientApi/ClientApi.js';
import { eventBody, profileBody, profileIdentifiers } from '../clientApi/clientApiBodies.js';
import { CloudForwarder } from '../cloud/CloudForwarder.js';
import { createUnconfiguredForwarder, type Forwarder } from '../cloud/Forwarder.js';
import { withIdentity } from '../cloud/withIdentity.js';
import type { ResolvedConfig } from '../config/KlaviyoOptions.js';
import type { Logger } from '../logger/createLogger.js';
import { describe } from '../logger/describe.js';
import { say } from '../logger/say.js';
import { asText } from '../mapping/readFields.js';
import type { JsonObject, KlaviyoCommand } from '../mapping/types.js';
import { LIBRARY_VERSION } from '../version.js';
import type { LadderCall, LowerTiers, LowerTiersDeps } from './LowerTiers.js';
import { reportCall } from './reportCall.js';
import { subscriptionRequest } from './subscriptionRequest.js';

// The chunk also carries what is needed only when something is wrong or asked for (LowerTiersModule).
export { explain } from '../logger/configMessages.js';
export { identifyFromForms } from '../klaviyo/identifyFromForms.js';
export { LIBRARY_VERSION };

/**
 * The rungs below klaviyo.js (docs/behaviour.md, "The delivery ladder"): a command klaviyo.js did not
 * answer goes to the Client API (when enabled and the call names a profile), and what that cannot
 * take goes to the cloud tier, once per call. Without a tier that takes it, a call is logged as lost
 * with the reason. List subscriptions go to the Client API first too.
 */
export function createLowerTiers(
  config: ResolvedConfig,
  logger: Logger,
  win: Window,
  deps: LowerTiersDeps,
): LowerTiers {
  const forwarder = (deps.createForwarder ?? defaultForwarder(win))(config, logger);
  const clientApi = config.clientApi
    ? new ClientApi(config.publicApiKey, logger, deps.clientApiTransport ?? fetchClientApi(win))
    : undefined;
  const onDelivery = config.onDelivery;

  const toCloud = (call: LadderCall, command: KlaviyoCommand, why: string) => {
    if (call.fell) return;
    call.fell = true;
    if (call.cloud === 'take') forwarder.forward(withIdentity(call.message, call.identifiers), 'klaviyo.js failed');
    else if (call.cloud === 'never') {
      logger.warn(say('lost', call.type, why));
      reportCall(onDelivery, call, command, 'klaviyo.js', 'lost', why);
    }
  };

  return {
    missed(call, command) {
      // The call carries who it is about: the shopper's identifiers, or Klaviyo's exchange id alone.
      const request = clientApi && clientApiRequest(call, command);
      if (!clientApi || !request) {
        toCloud(call, command, clientApi ? say('noProfile') : say('clientApiOff'));
        return;
      }
      reportCall(onDelivery, call, command, 'client-api', 'queued');
      // A hidden page may be leaving: it may be gone before the Client API answers, and a blocked Client
      // API would then leave the call nowhere. Cloud mode takes it now too (its beacon goes with the page);
      // the dedupe key makes the second copy harmless.
      if (win.document?.visibilityState === 'hidden' && call.cloud === 'take') toCloud(call, command, '');
      void clientApi.post(request.path, request.body).then((taken) => {
        if (taken) {
          logger.debug(say('clientApiTook', command[0]));
          reportCall(onDelivery, call, command, 'client-api', 'delivered');
        } else toCloud(call, command, say('clientApiRefused'));
      });
    },
    forward(message, reason) {
      const request = clientApi && reason !== 'screen' ? subscriptionRequest(message, config) : undefined;
      if (!clientApi || !request) {
        forwarder.forward(message, reason);
        return;
      }
      const kept = forwarder.keep ? forwarder.keep(message) : message;
      const call = { messageId: asText(message.messageId) ?? '', type: describe(message.type) };
      reportCall(onDelivery, call, 'subscription', 'client-api', 'queued');
      void clientApi.post('subscriptions', request).then((taken) => {
        if (taken) reportCall(onDelivery, call, 'subscription', 'client-api', 'delivered');
        else forwarder.forward(kept, reason);
      });
    },
    reset: () => forwarder.reset(),
    dispose: () => forwarder.dispose?.(),
  };
}

/** Cloud mode when configured, else a forwarder that logs each call as not delivered. */
function defaultForwarder(win: Window) {
  return (config: ResolvedConfig, logger: Logger): Forwarder =>
    config.cloudMode
      ? new CloudForwarder({ ...config, cloudMode: config.cloudMode }, logger, win)
      : createUnconfiguredForwarder(logger, config.onDelivery);
}

/** The Client API request for one command, or `undefined` when the call names no profile. */
function clientApiRequest(
  call: LadderCall,
  command: KlaviyoCommand,
): { path: 'events' | 'profiles'; body: JsonObject } | undefined {
  if (command[0] === 'identify') {
    const kx = call.identifiers._kx;
    const profile = { ...command[1], ...(typeof kx === 'string' ? { $exchange_id: kx } : {}) };
    const named = Object.keys(profileIdentifiers(profile)).length > 0;
    return named ? { path: 'profiles', body: profileBody(profile) } : undefined;
  }
  if (command[0] === 'track' && Object.keys(call.identifiers).length) {
    return { path: 'events', body: eventBody(command[1], command[2], call.identifiers, call.time) };
  }
  return undefined;
}
