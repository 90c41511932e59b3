import { afterEach, describe, expect, it } from 'vitest';
import { MESSAGES } from '../src/logger/messages.js';
import { MESSAGES_GLOBAL } from '../src/logger/messagesGlobal.js';
import { say } from '../src/logger/say.js';

const globals = globalThis as Record<string, unknown>;

describe('say', () => {
  afterEach(() => {
    globals[MESSAGES_GLOBAL] = MESSAGES;
  });

  it('fills the placeholders of the installed text', () => {
    expect(say('tooBig', 'track', 40000, 32768)).toBe(
      'track not forwarded: 40000 bytes is over the 32768-byte limit per event.',
    );
    expect(say('traitClash', '$email')).toBe("trait '$email' not sent: it would overwrite the mapped $email.");
  });

  it('without the texts, gives the key and the arguments (what the bundles log)', () => {
    delete globals[MESSAGES_GLOBAL];
    const pointer = ' (what it means: npmjs.com/package/klaviyo-device-mode#log-messages)';
    expect(say('tooBig', 'track', 40000, 32768)).toBe(`tooBig track 40000 32768${pointer}`);
    expect(say('blocked')).toBe(`blocked${pointer}`);
  });

  it('never throws, whatever the arguments', () => {
    const hostile = {
      toString: () => {
        throw new Error('no');
      },
    };
    expect(say('mappingFailed', Symbol('s'))).toMatch(/Symbol\(s\)/);
    expect(say('mappingFailed', hostile)).toMatch(/object/);
    delete globals[MESSAGES_GLOBAL];
    expect(say('mappingFailed', hostile, Symbol('s'))).toMatch(/^mappingFailed object Symbol\(s\) \(what it means/);
  });

  it('every text uses only placeholders it can fill, in order from {0}', () => {
    for (const [key, text] of Object.entries(MESSAGES)) {
      const used = [...text.matchAll(/\{(\d)\}/g)].map((m) => Number(m[1]));
      const highest = used.length ? Math.max(...used) : -1;
      expect(new Set(used).size, key).toBe(highest + 1);
    }
  });
});
