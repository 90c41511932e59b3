import { say } from '../logger/say.js';
import {
  applyTable,
  asObject,
  asText,
  field,
  mergeWithoutOverwrite,
  readFields,
  setPresent,
  table,
  type Fields,
} from './readFields.js';
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

const PROFILE = table(
  '$title=title,$title $image=image,avatar,$image $exchange_id=$exchange_id,exchangeId,exchange_id,_kx',
);
/** Profile location: each from the flat traits, or else from `traits.address` (the keys after `/`). */
const LOCATION = table(
  '$address1=address1,street,$address1/address1,street,line1 $address2=address2,$address2/address2,line2 ' +
    '$city=city,City,$city/city,City $region=region,state,State,$region/region,state,State ' +
    '$country=country,Country,$country/country,Country $zip=zip,postalCode,postal_code,$zip/zip,postalCode,postal_code',
).map(([out, flat, sub]) => [out, flat, sub.split(',')] as const);

/**
 * Map an identify to `['identify', profile]` (docs/behaviour.md, "identify"). Pure: never mutates `message`,
 * never throws. `anonymousId` is never used as `$id`: it would create a duplicate profile.
 */
export function mapIdentify(message: RudderMessage, options: IdentifyMappingOptions = {}): MapResult {
  const warnings: string[] = [];
  const traits = readFields(identifyTraits(message, warnings));
  const profile: JsonObject = {};

  const email = traits.take('email', 'Email', 'E-mail', '$email');
  if (email !== undefined && typeof email !== 'string') warnings.push(say('emailNotString'));
  setPresent(profile, '$email', typeof email === 'string' ? email.trim() : undefined);

  const rawPhone = traits.take('phone', 'Phone', '$phone_number');
  const phone = toE164(rawPhone);
  if (rawPhone !== undefined && !phone) warnings.push(say('notE164', 'traits'));
  setPresent(profile, '$phone_number', phone);

  const name = traits.first('name');
  let first = traits.take('firstName', 'firstname', 'first_name', '$first_name');
  let last = traits.take('lastName', 'lastname', 'last_name', '$last_name');
  if (first === undefined && last === undefined && typeof name === 'string') {
    const [head, ...tail] = name.trim().split(/\s+/);
    first = head;
    last = tail.join(' ');
  } else if (name !== undefined) {
    profile.name = name;
  }
  setPresent(profile, '$first_name', first);
  setPresent(profile, '$last_name', last);

  const company = asObject(traits.peek('company'));
  const organization = traits.take('organization', '$organization') ?? company?.name;
  setPresent(profile, '$organization', organization);
  if (company && organization === company.name) {
    traits.take('company');
    const { name: _, ...rest } = company;
    if (Object.keys(rest).length) profile.company = rest;
  }
  applyTable(profile, traits, PROFILE);
  mapLocation(traits, profile);

  const userId = asText(field(message, 'userId')) ?? asText(traits.peek('userId'));
  traits.take('userId', 'anonymousId', 'properties'); // identity bookkeeping, and list fields for cloud mode
  if (userId !== undefined) profile[options.enforceEmailAsPrimary ? '_id' : '$id'] = userId;

  const keys = options.enforceEmailAsPrimary
    ? ['$email', '$phone_number']
    : ['$email', '$phone_number', '$id', '$exchange_id'];
  if (!keys.some((k) => k in profile)) {
    warnings.push(say(options.enforceEmailAsPrimary ? 'noEmailOrPhone' : 'noIdentity'));
    return { commands: [], warnings };
  }
  for (const key of mergeWithoutOverwrite(profile, traits.rest())) warnings.push(say('traitClash', key));
  return { commands: [['identify', profile]], warnings };
}

function mapLocation(traits: Fields, profile: JsonObject): void {
  const raw = traits.peek('address');
  const nested = asObject(raw);
  const address = readFields(nested ?? {});
  for (const [key, flat, sub] of LOCATION) {
    const top = traits.take(...flat);
    const inner = address.take(...sub);
    setPresent(profile, key, top ?? inner);
  }
  if (nested) {
    traits.take('address');
    const rest = address.rest();
    if (Object.keys(rest).length) profile.address = rest;
  } else if (typeof raw === 'string' && !('$address1' in profile)) {
    setPresent(profile, '$address1', traits.take('address'));
  }
}
