import { describe } from '../logger/describe.js';
import { say } from '../logger/say.js';
import type { ResolvedConfig } from '../config/KlaviyoOptions.js';
import { asObject, asText, isPresent } from '../mapping/readFields.js';
import { toE164 } from '../mapping/toE164.js';
import { toJsonObject } from '../mapping/toJsonValue.js';
import type { JsonObject, JsonValue, RudderMessage } from '../mapping/types.js';
import type { ForwardReason } from './Forwarder.js';
import { LIBRARY_NAME, LIBRARY_VERSION } from '../version.js';

/** What the page adds to every forwarded message; the caller reads it from the browser. */
export interface CaptureContext {
  /** Used when the message has neither a userId nor an anonymousId (the data plane rejects those). */
  anonymousId: string;
  messageId: string;
  /** ISO time of the call. */
  now: string;
  page?: JsonObject;
  userAgent?: string;
  locale?: string;
}

const FIELDS_BY_TYPE: Record<string, string[]> = {
  identify: [],
  track: ['event', 'properties'],
  group: ['groupId', 'traits'],
  screen: ['name', 'properties'],
};

/**
 * Build the message forwarded to the data plane (docs/behaviour.md, "Cloud-mode wire format"): stable `messageId`, capture-time
 * `originalTimestamp`, `anonymousId`/`userId`, traits in `context.traits` (never an empty top-level
 * `traits`, which would hide them from the server-side transformer), phone in E.164 (dropped when it
 * cannot be, since the transformer would fail the whole event), `integrations: {All: false, Klaviyo: true}`.
 * An identify's list fields get the config defaults (`listId`, `consent`, `smsConsent`).
 * Pure: the result shares nothing with `message`. `sentAt` is set per attempt by the sender.
 */
export function buildCloudMessage(
  message: RudderMessage,
  reason: ForwardReason,
  config: Pick<ResolvedConfig, 'listId' | 'consent' | 'smsConsent'>,
  capture: CaptureContext,
  warnings: string[],
): JsonObject {
  const source = toJsonObject(message, 'message', warnings);
  const type = describe(source.type);
  const context = asObject(source.context) ?? {};
  const traits = { ...(asObject(context.traits) ?? {}) };
  if (type === 'identify') Object.assign(traits, asObject(source.traits) ?? {});
  normalisePhone(traits, 'context.traits', warnings);

  const out: JsonObject = { type };
  for (const key of FIELDS_BY_TYPE[type] ?? []) if (isPresent(source[key])) out[key] = source[key];
  if (type === 'group') {
    const groupTraits = { ...(asObject(source.traits) ?? {}) };
    normalisePhone(groupTraits, 'traits', warnings);
    if (Object.keys(groupTraits).length) out.traits = groupTraits;
    else delete out.traits;
  }
  const userId = asText(source.userId);
  if (userId) out.userId = userId;
  out.anonymousId = asText(source.anonymousId) ?? capture.anonymousId;
  out.messageId = asText(source.messageId) ?? capture.messageId;
  out.originalTimestamp = asText(source.originalTimestamp) ?? capture.now;
  out.channel = 'web';
  if (type === 'identify' && reason === 'list subscription') addListDefaults(traits, config);

  const outContext: JsonObject = { ...context, traits };
  outContext.library = { name: LIBRARY_NAME, version: LIBRARY_VERSION };
  setIfAbsent(outContext, 'page', capture.page);
  setIfAbsent(outContext, 'userAgent', capture.userAgent);
  setIfAbsent(outContext, 'locale', capture.locale);
  out.context = outContext;
  out.integrations = { All: false, Klaviyo: true };
  return out;
}

function setIfAbsent(target: JsonObject, key: string, value: JsonValue | undefined): void {
  if (value !== undefined && !isPresent(target[key])) target[key] = value;
}

function normalisePhone(traits: JsonObject, path: string, warnings: string[]): void {
  if (!isPresent(traits.phone)) return;
  const phone = toE164(traits.phone);
  if (phone) traits.phone = phone;
  else {
    delete traits.phone;
    warnings.push(say('notE164', path));
  }
}

function addListDefaults(traits: JsonObject, config: Pick<ResolvedConfig, 'listId' | 'consent' | 'smsConsent'>): void {
  const props: JsonObject = { ...(asObject(traits.properties) ?? {}) };
  if (!isPresent(props.listId) && config.listId) props.listId = config.listId;
  if (!isPresent(props.consent) && !isPresent(traits.consent)) props.consent = [...config.consent];
  if (props.smsConsent === undefined && config.smsConsent) props.smsConsent = true;
  traits.properties = props;
}
