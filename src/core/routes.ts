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

/** The routing table, by message type. `identify` is forwarded too when it carries list data. */
const ROUTES: Record<string, (message: RudderMessage, listId: string | undefined) => Route> = {
  identify: (message, listId) =>
    hasListData(message, listId)
      ? { device: true, forward: 'list subscription', fallback: false }
      : { device: true, fallback: true },
  track: () => ({ device: true, fallback: true }),
  page: () => ({ device: true, fallback: false }),
  group: () => ({ device: false, forward: 'group', fallback: false }),
  screen: () => ({ device: false, forward: 'screen', fallback: false }),
  alias: () => ({ refuse: 'alias' }),
};

/** The route of `message`, or `undefined` for a type no route knows. */
export function routeOf(message: RudderMessage, listId: string | undefined): Route | undefined {
  const type = message.type;
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(ROUTES, type)
    ? ROUTES[type](message, listId)
    : undefined;
}
