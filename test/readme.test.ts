import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_MESSAGES } from '../src/logger/configMessages.js';
import { MESSAGES } from '../src/logger/messages.js';

const TABLE_FILE = `${process.cwd()}/docs/log-messages.md`;
const START = '<!-- messages:start -->';
const END = '<!-- messages:end -->';

/** The message table of docs/log-messages.md, generated from src/logger/configMessages.ts and messages.ts. */
function messageTable(): string {
  const rows = Object.entries({ ...CONFIG_MESSAGES, ...MESSAGES }).map(
    ([key, text]) => `| \`${key}\` | ${text.replace(/\|/g, '\\|')} |`,
  );
  return ['| key | text (`{0}`, `{1}`… are the values logged after the key) |', '|---|---|', ...rows].join('\n');
}

describe('docs/log-messages.md', () => {
  // `UPDATE_README=1 npx vitest run test/readme.test.ts` rewrites the table after a message changes.
  it('lists every log message key with its text, exactly as src/logger/messages.ts has them', () => {
    const readme = readFileSync(TABLE_FILE, 'utf8');
    const [before, rest] = readme.split(START);
    expect(rest, `docs/log-messages.md needs ${START} … ${END}`).toBeDefined();
    const after = rest.slice(rest.indexOf(END));
    const expected = `${before}${START}\n${messageTable()}\n${after}`;
    if (process.env.UPDATE_README) writeFileSync(TABLE_FILE, expected);
    else expect(readme).toBe(expected);
  });
});

describe('README and docs/', () => {
  it('stand alone: no file outside the repository is cited, and every relative link resolves', () => {
    const root = process.cwd();
    const files = ['README.md', ...readdirSync(`${root}/docs`).map((f) => `docs/${f}`)];
    for (const file of files) {
      const text = readFileSync(`${root}/${file}`, 'utf8');
      expect(text, file).not.toMatch(/SPEC\.md|\.\.\/shared|issue #\d/);
      for (const [, target] of text.matchAll(/\]\(((?!https?:|#)[^)#\s]+)(?:#[^)]*)?\)/g)) {
        expect(existsSync(`${root}/${dirname(file)}/${target}`), `${file} links ${target}`).toBe(true);
      }
    }
  });
});
