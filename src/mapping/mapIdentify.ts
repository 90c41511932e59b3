import { FieldReader, asObject, asText, field, mergeWithoutOverwrite, setPresent } from './readFields.js';
import { toE164 } from './toE164.js';
import { toJsonObject } from './toJsonValue.js';
import type { JsonObject, MapResult, RudderMessage } from './types.js';

/** Options of {@link mapIdentify}. */
export interface IdentifyMappingOptions {
  /** Send no `$id`; the userId goes to `_id` and an email or phone is required. @default false */
  enforceEmailAsPrimary?: boolean;
}

/** The traits of an identify: `context.traits` (RudderStack), overlaid by root `traits` (Segment). */
export function identifyTraits(message: RudderMessage, warnings: string[]): JsonObject {
  return {
    ...toJsonObject(field(field(message, 'context'), 'traits'), 'context.traits', warnings),
    ...toJsonObject(field(message, 'traits'), 'traits', warnings),
  };
}

/** Keys never sent to klaviyo.js: identity bookkeeping, and list fields that belong to cloud mode. */
const NOT_PROFILE_KEYS = ['userId', 'anonymousId', 'properties'];

/**
 * Map an identify to `['identify', profile]` (SPEC §3 identify). Pure: never mutates `message`,
 * never throws. `anonymousId` is never used as `$id`: it would create a duplicate profile.
 */
export function mapIdentify(message: RudderMessage, options: IdentifyMappingOptions = {}): MapResult {
  const warnings: string[] = [];
  const traits = new FieldReader(identifyTraits(message, warnings));
  const profile: JsonObject = {};

  const email = traits.take('email', 'Email', 'E-mail', '$email');
  if (email !== undefined && typeof email !== 'string') warnings.push('traits.email is not a string; dropped.');
  const emailText = typeof email === 'string' ? email.trim() : undefined;
  setPresent(profile, '$email', emailText);

  const rawPhone = traits.take('phone', 'Phone', '$phone_number');
  const phone = rawPhone === undefined ? undefined : toE164(rawPhone);
  if (rawPhone !== undefined && phone === undefined) {
    warnings.push('traits.phone is not an E.164 number (+ country code and digits); dropped.');
  }
  setPresent(profile, '$phone_number', phone);

  const name = traits.takeFirst('name');
  let first = traits.take('firstName', 'firstname', 'first_name', '$first_name');
  let last = traits.take('lastName', 'lastname', 'last_name', '$last_name');
  if (first === undefined && last === undefined && typeof name === 'string') {
    const [head, ...tail] = name.trim().split(/\s+/);
    first = head;
    last = tail.join(' ') || undefined;
  } else if (name !== undefined) {
    profile.name = name;
  }
  setPresent(profile, '$first_name', first);
  setPresent(profile, '$last_name', last);
  setPresent(profile, '$title', traits.take('title', '$title'));

  const company = asObject(traits.peek('company'));
  const organization = traits.take('organization', '$organization') ?? company?.name;
  setPresent(profile, '$organization', organization);
  if (company && organization === company.name) {
    traits.take('company');
    const rest = { ...company };
    delete rest.name;
    if (Object.keys(rest).length) profile.company = rest;
  }

  mapLocation(traits, profile);
  setPresent(profile, '$image', traits.take('image', 'avatar', '$image'));
  setPresent(profile, '$exchange_id', traits.take('$exchange_id', 'exchangeId', 'exchange_id', '_kx'));

  const userId = asText(field(message, 'userId')) ?? asText(traits.peek('userId'));
  traits.take(...NOT_PROFILE_KEYS);
  if (userId !== undefined) {
    if (options.enforceEmailAsPrimary) profile._id = userId;
    else profile.$id = userId;
  }

  const identified = options.enforceEmailAsPrimary
    ? '$email' in profile || '$phone_number' in profile
    : ['$email', '$phone_number', '$id', '$exchange_id'].some((k) => k in profile);
  if (!identified) {
    warnings.push(
      options.enforceEmailAsPrimary
        ? 'identify not sent: enforceEmailAsPrimary needs an email or an E.164 phone.'
        : 'identify not sent: it needs an email, an E.164 phone, a userId or an exchange id (_kx). ' +
            'An anonymousId alone would create a duplicate Klaviyo profile.',
    );
    return { commands: [], warnings };
  }

  for (const key of mergeWithoutOverwrite(profile, traits.remaining())) {
    warnings.push(`trait '${key}' not sent: it would overwrite the mapped ${key}.`);
  }
  return { commands: [['identify', profile]], warnings };
}

function mapLocation(traits: FieldReader, profile: JsonObject): void {
  const raw = traits.peek('address');
  const nested = asObject(raw);
  const address = new FieldReader(nested ?? {});
  const pick = (flat: string[], sub: string[]) => {
    const top = traits.take(...flat);
    const inner = address.take(...sub);
    return top ?? inner;
  };

  setPresent(profile, '$address1', pick(['address1', 'street', '$address1'], ['address1', 'street', 'line1']));
  setPresent(profile, '$address2', pick(['address2', '$address2'], ['address2', 'line2']));
  setPresent(profile, '$city', pick(['city', 'City', '$city'], ['city', 'City']));
  setPresent(profile, '$region', pick(['region', 'state', 'State', '$region'], ['region', 'state', 'State']));
  setPresent(profile, '$country', pick(['country', 'Country', '$country'], ['country', 'Country']));
  setPresent(
    profile,
    '$zip',
    pick(['zip', 'postalCode', 'postal_code', '$zip'], ['zip', 'postalCode', 'postal_code']),
  );
  if (nested) {
    traits.take('address');
    const rest = address.remaining();
    if (Object.keys(rest).length) profile.address = rest;
  } else if (typeof raw === 'string' && !('$address1' in profile)) {
    profile.$address1 = traits.take('address') as string;
  }
}
