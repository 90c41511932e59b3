import { describe } from '../logger/describe.js';
import { say } from '../logger/say.js';
import { mapIdentify, type IdentifyMappingOptions } from './mapIdentify.js';
import { mapPage, type PageMappingOptions } from './mapPage.js';
import { mapTrack, type TrackMappingOptions } from './mapTrack.js';
import { field } from './readFields.js';
import type { MapResult, RudderMessage } from './types.js';

/** Options of {@link mapMessage}: those of identify, track and page together. */
export type MappingOptions = IdentifyMappingOptions & TrackMappingOptions & PageMappingOptions;

/**
 * Map any message to Klaviyo commands by its `type`. Types device mode does not serve (group, screen,
 * alias, unknown) give no command and say why. Pure, never throws, never mutates `message`.
 */
export function mapMessage(message: RudderMessage, options: MappingOptions = {}): MapResult {
  try {
    const type = field(message, 'type');
    const map = type === 'identify' ? mapIdentify : type === 'track' ? mapTrack : type === 'page' ? mapPage : undefined;
    return map ? map(message, options) : { commands: [], warnings: [say('noMapping', describe(type))] };
  } catch (error) {
    // Defence in depth: the mapping is written not to throw; if it ever does, the host must not see it.
    return { commands: [], warnings: [say('mappingFailed', error)] };
  }
}
