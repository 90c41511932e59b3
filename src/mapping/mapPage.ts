import { say } from '../logger/say.js';
import { asText, field } from './readFields.js';
import { toJsonObject } from './toJsonValue.js';
import { toNumber } from './toNumber.js';
import type { MapResult, RudderMessage } from './types.js';

/** Options of {@link mapPage}. */
export interface PageMappingOptions {
  /** Send the page as a track named `Viewed <category> <name> page`. @default false */
  sendPageAsTrack?: boolean;
  /** With `sendPageAsTrack`, attach a copy of the page properties. @default false */
  additionalPageInfo?: boolean;
}

/**
 * Map a page call (docs/behaviour.md, "page"). With `sendPageAsTrack` off it gives no command: klaviyo.js records
 * "Active on Site" by itself. Pure: never mutates `message`, never throws.
 */
export function mapPage(message: RudderMessage, options: PageMappingOptions = {}): MapResult {
  const warnings: string[] = [];
  if (!options.sendPageAsTrack) return { commands: [], warnings };
  const properties = toJsonObject(field(message, 'properties'), 'properties', warnings);
  const name = asText(field(message, 'name')) ?? asText(properties.name);
  const category = asText(field(message, 'category')) ?? asText(properties.category);
  const metric =
    name === undefined ? 'Viewed a Page' : `Viewed ${category === undefined ? '' : `${category} `}${name} page`;
  if (!options.additionalPageInfo) return { commands: [['track', metric, {}]], warnings };
  // `$value` is never a string: coerce it, or drop it with a reason.
  if ('$value' in properties) {
    const value = toNumber(properties.$value);
    if (value === undefined) {
      delete properties.$value;
      warnings.push(say('valueDropped'));
    } else properties.$value = value;
  }
  return { commands: [['track', metric, properties]], warnings };
}
