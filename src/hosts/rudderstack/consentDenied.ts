import { webValue } from '../../config/webValue.js';
import { asText, field } from '../../mapping/readFields.js';

interface Requirement {
  provider: string | undefined;
  ids: string[];
  strategy: string | undefined;
}

const list = (value: unknown): unknown[] => {
  const v = webValue(value);
  return Array.isArray(v) ? v : [];
};

/** The non-blank `key` of each entry of a (per-platform) list. */
const ids = (value: unknown, key: string): string[] =>
  list(value)
    .map((entry) => asText(field(entry, key)))
    .filter((id): id is string => !!id);

/** The consents the destination's dashboard config requires, per provider (current and legacy fields). */
function requirements(config: unknown): Requirement[] {
  const out: Requirement[] = list(field(config, 'consentManagement')).map((entry) => ({
    provider: asText(field(entry, 'provider')),
    ids: ids(field(entry, 'consents'), 'consent'),
    strategy: asText(field(entry, 'resolutionStrategy')),
  }));
  const legacy = (provider: string, key: string, item: string) =>
    out.push({ provider, ids: ids(field(config, key), item), strategy: undefined });
  legacy('oneTrust', 'oneTrustCookieCategories', 'oneTrustCookieCategory');
  legacy('ketch', 'ketchConsentPurposes', 'purpose');
  return out.filter((r) => r.ids.length);
}

/**
 * True when a message's `context.consentManagement.deniedConsentIds` rule this destination out, as
 * RudderStack's SDK decides for device-mode destinations: with the `and` strategy (the default) every
 * configured consent is needed, so one denied is enough; with `or` one granted is enough, so all must
 * be denied. Only requirements of the message's consent provider apply (all when it names none).
 */
export function consentDenied(message: unknown, config: unknown): boolean {
  const consent = field(field(message, 'context'), 'consentManagement');
  const denied = list(field(consent, 'deniedConsentIds')).map((id) => asText(id));
  if (!denied.length) return false;
  const provider = asText(field(consent, 'provider'));
  const strategy = asText(field(consent, 'resolutionStrategy'));
  return requirements(config)
    .filter((r) => !provider || !r.provider || r.provider === provider)
    .some((r) => {
      const isDenied = (id: string) => denied.includes(id);
      return (r.strategy ?? strategy) === 'or' ? r.ids.every(isDenied) : r.ids.some(isDenied);
    });
}
