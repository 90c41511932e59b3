import type { RudderMessage } from './types.js';

/** The list-subscription fields of an identify (`traits.properties`), if it has any. */
export function listFields(message: RudderMessage): Record<string, unknown> | undefined {
  const read = (o: unknown, k: string): unknown =>
    o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined;
  const props = read(message.traits, 'properties') ?? read(read(message.context, 'traits'), 'properties');
  return props !== null && typeof props === 'object' && !Array.isArray(props)
    ? (props as Record<string, unknown>)
    : undefined;
}

/**
 * True when an identify carries list data for cloud mode: a `listId`, `consent` or `smsConsent` in
 * `traits.properties`, or `subscribe` with a list id there or in the config.
 */
export function hasListData(message: RudderMessage, configListId: string | undefined): boolean {
  try {
    const p = listFields(message);
    if (!p) return false;
    const present = (k: string) => p[k] !== undefined && p[k] !== null && p[k] !== '';
    return present('listId') || present('consent') || present('smsConsent') || (present('subscribe') && !!configListId);
  } catch {
    return false;
  }
}
