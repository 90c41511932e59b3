/**
 * The web value of a RudderStack dashboard setting: settings stored per platform (`{ web: true }`)
 * give their `web` entry; anything else is already the value. The SDK usually flattens them, but a
 * config copied from the API is not.
 */
export function webValue(value: unknown): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'web' in value ? value.web : value;
}
