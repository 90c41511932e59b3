import type { KlaviyoOptions } from '../../config/KlaviyoOptions.js';
import { DeviceMode, type DeviceModeDeps, type DeviceModeStatus } from '../../core/DeviceMode.js';
import { LIBRARY_NAME, LIBRARY_VERSION } from '../../version.js';
import { say } from '../../logger/say.js';
import { warnAll } from '../../logger/warnAll.js';
import { toJsonObject } from '../../mapping/toJsonValue.js';
import type { JsonObject, RudderMessage } from '../../mapping/types.js';
import { pageContext } from '../../util/pageContext.js';
import { browserWindow } from '../../util/browserWindow.js';
import { createSafeStorage } from '../../util/safeStorage.js';
import { uuid } from '../../util/uuid.js';
import { IdentityStore } from './identityStore.js';

type Props = Record<string, unknown>;

/** A rudderanalytics-style API over the device-mode core (the script tag and npm hosts). */
export interface KlaviyoAnalytics {
  /** `page()`, `page(name)`, `page(name, properties)`, `page(category, name, properties?)` or `page(properties)`. */
  page(category?: string | Props, name?: string | Props, properties?: Props): void;
  /** `identify(userId, traits?)` or `identify(traits)`. Traits accumulate across calls and reloads. */
  identify(userId?: string | number | Props, traits?: Props): void;
  track(event: string, properties?: Props): void;
  /** `groupId` is the Klaviyo list id; `traits.subscribe` subscribes (true) or unsubscribes (false). Cloud mode. */
  group(groupId: string, traits?: Props): void;
  /** Cloud mode: becomes a Klaviyo event named after the screen. */
  screen(name: string, properties?: Props): void;
  /** Not supported by Klaviyo in either mode: logged. */
  alias(to: string, from?: string): void;
  /** Forget the user: userId, traits, identify state, Klaviyo's cookie; the anonymousId too when asked. */
  reset(resetAnonymousId?: boolean): void;
  /** Call `callback` once klaviyo.js has loaded or failed (with the status). */
  ready(callback: (status: DeviceModeStatus) => void): void;
  /** With `requireConsent`: start, and let held calls flow. */
  grantConsent(): void;
  /** With `requireConsent`: discard held calls; nothing flows after. */
  denyConsent(): void;
  getAnonymousId(): string;
  getUserId(): string;
  getUserTraits(): JsonObject;
  /** The shared device-mode core. */
  readonly core: DeviceMode;
}

/**
 * Create the integration with a rudderanalytics-style API. It persists the anonymousId and the
 * accumulated traits and builds messages the way RudderStack's JS SDK does, then hands them to the
 * device-mode core. Loading starts at once (or on consent with `requireConsent`). No method throws.
 */
export function createKlaviyo(options: KlaviyoOptions, deps: DeviceModeDeps = {}): KlaviyoAnalytics {
  const win = browserWindow(deps.window);
  const core = new DeviceMode(options, deps);
  const storage = createSafeStorage(
    () => win?.localStorage,
    (why) => core.logger.info(say('identityInMemory', why)),
  );
  const identity = new IdentityStore(storage, uuid, !core.config?.requireConsent);

  const send = (type: string, fields: Partial<RudderMessage>): void => {
    core.handle({
      type,
      channel: 'web',
      anonymousId: identity.anonymousId,
      userId: identity.userId,
      messageId: uuid(),
      originalTimestamp: new Date().toISOString(),
      event: null,
      properties: null,
      integrations: { All: true },
      context: {
        traits: { ...identity.traits },
        page: pageContext(win),
        library: { name: LIBRARY_NAME, version: LIBRARY_VERSION },
        userAgent: win?.navigator?.userAgent,
        locale: win?.navigator?.language,
      },
      ...fields,
    });
  };

  const guard =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A): void => {
      try {
        fn(...args);
      } catch (error) {
        core.logger.error(say('callFailed'), error);
      }
    };
  const isObject = (v: unknown): v is Props => v !== null && typeof v === 'object' && !Array.isArray(v);
  /** A safe copy of what this host keeps or merges into; what it drops is logged with the reason. */
  const copy = (type: string, v: unknown, path: string) => {
    const warnings: string[] = [];
    const out = toJsonObject(isObject(v) ? v : undefined, path, warnings);
    warnAll(core.logger, type, warnings);
    return out;
  };

  const api: KlaviyoAnalytics = {
    core,
    page: guard((a?: string | Props, b?: string | Props, c?: Props) => {
      let category: string | undefined;
      let name: string | undefined;
      let props: Props | undefined;
      if (isObject(a)) props = a;
      else if (isObject(b)) [name, props] = [a, b];
      else if (typeof b === 'string') [category, name, props] = [a, b, c];
      else name = a;
      const properties = {
        ...pageContext(win),
        ...copy('page', props, 'properties'),
        ...(name ? { name } : {}),
        ...(category ? { category } : {}),
      };
      send('page', { name: name ?? null, category: category ?? null, properties });
    }),
    identify: guard((a?: string | number | Props, b?: Props) => {
      const [userId, traits] = isObject(a) ? [undefined, a] : [a, b];
      identity.identify(
        userId === undefined || userId === null || userId === '' ? undefined : String(userId),
        copy('identify', traits, 'traits'),
      );
      send('identify', {});
    }),
    // The core copies what it keeps and says what it drops: track and group properties go to it as called.
    track: guard((event: string, properties?: Props) =>
      send('track', { event, properties: isObject(properties) ? properties : {} }),
    ),
    group: guard((groupId: string, traits?: Props) =>
      send('group', { groupId, traits: isObject(traits) ? traits : {} }),
    ),
    screen: guard((name: string, properties?: Props) =>
      send('screen', { name, properties: { ...copy('screen', properties, 'properties'), name } }),
    ),
    alias: guard((to: string, from?: string) =>
      send('alias', { userId: to, previousId: from ?? (identity.userId || identity.anonymousId) }),
    ),
    reset: guard((resetAnonymousId?: boolean) => {
      identity.reset(resetAnonymousId === true);
      core.reset();
    }),
    ready: guard((callback: (status: DeviceModeStatus) => void) => {
      if (typeof callback === 'function') core.whenSettled(callback);
    }),
    grantConsent: guard(() => {
      identity.persist();
      core.grantConsent();
    }),
    denyConsent: guard(() => {
      identity.stopPersisting();
      core.denyConsent();
    }),
    getAnonymousId: () => identity.anonymousId,
    getUserId: () => identity.userId,
    getUserTraits: () => ({ ...identity.traits }),
  };
  core.identifyFromForms(() => api);
  core.start();
  return api;
}
