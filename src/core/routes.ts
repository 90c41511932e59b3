import type { ForwardReason } from '../cloud/Forwarder.js';
import type { MessageKey } from '../logger/messages.js';
import { hasListData } from '../mapping/hasListData.js';
import type { RudderMessage } from '../mapping/types.js';

/** Where one call goes (docs/behaviour.md, "Routing"). */
export type Route =
  | {
      /** Mapped and pushed to klaviyo.js. */
      device: boolean;
      /** Handed to cloud mode at once, for this reason. */
      forward?: ForwardReason;
      /** When klaviyo.js cannot take it, it goes to cloud mode instead. */
      fallback: boolean;
    }
  | {
      /** Not sent anywhere: logged with this reason. */
      refuse: MessageKey;
    };

/** The routes, made once (a route is read, never changed). */
const DEVICE_AND_FALLBACK: Route = { device: true, fallback: true };
const DEVICE_ONLY: Route = { device: true, fallback: false };
const WITH_SUBSCRIPTION: Route = { device: true, forward: 'list subscription', fallback: false };
const GROUP: Route = { device: false, forward: 'group', fallback: false };
const SCREEN: Route = { device: false, forward: 'screen', fallback: false };
const ALIAS: Route = { refuse: 'alias' };

/** The routing table, by message type. `identify` is forwarded too when it carries list data. */
const ROUTES: Record<string, (message: RudderMessage, listId: string | undefined) => Route> = {
  identify: (message, listId) => (hasListData(message, listId) ? WITH_SUBSCRIPTION : DEVICE_AND_FALLBACK),
  track: () => DEVICE_AND_FALLBACK,
  page: () => DEVICE_ONLY,
  group: () => GROUP,
  screen: () => SCREEN,
  alias: () => ALIAS,
};

/** The route of `message`, or `undefined` for a type no route knows. */
export function routeOf(message: RudderMessage, listId: string | undefined): Route | undefined {
  const type = message.type;
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(ROUTES, type)
    ? ROUTES[type](message, listId)
    : undefined;
}
