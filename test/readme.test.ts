import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_MESSAGES } from '../src/logger/configMessages.js';
import { MESSAGES } from '../src/logger/messages.js';

const README = `${process.cwd()}/README.md`;
const START = '<!-- messages:start -->';
const END = '<!-- messages:end -->';

/** The README's message table, generated from src/logger/configMessages.ts and messages.ts. */
function messageTable(): string {
  const rows = Object.entries({ ...CONFIG_MESSAGES, ...MESSAGES }).map(
    ([key, text]) => `| \`${key}\` | ${text.replace(/\|/g, '\\|')} |`,
  );
  return ['| key | text (`{0}`, `{1}`… are the values logged after the key) |', '|---|---|', ...rows].join('\n');
}

describe('README', () => {
  // `UPDATE_README=1 npx vitest run test/readme.test.ts` rewrites the table after a message changes.
  it('lists every log message key with its text, exactly as src/logger/messages.ts has them', () => {
    const readme = readFileSync(README, 'utf8');
    const [before, rest] = readme.split(START);
    expect(rest, `README.md needs ${START} … ${END}`).toBeDefined();
    const after = rest.slice(rest.indexOf(END));
    const expected = `${before}${START}\n${messageTable()}\n${after}`;
    if (process.env.UPDATE_README) writeFileSync(README, expected);
    else expect(readme).toBe(expected);
  });
});
