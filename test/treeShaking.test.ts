// @vitest-environment node
import typescript from '@rollup/plugin-typescript';
import { rollup } from 'rollup';
import { describe, expect, it } from 'vitest';
import { criticalPath } from '../scripts/criticalPath.mjs';

/**
 * Bundle `code` (an entry importing from src/) with rollup, as an app's bundler would; return every
 * chunk's code: `entry`, what the page loads first (the entry and its static imports), and `lazy`,
 * what only dynamic imports reach.
 */
async function chunks(code: string): Promise<{ entry: string; lazy: string }> {
  const bundle = await rollup({
    input: 'entry',
    plugins: [
      {
        name: 'virtual-entry',
        resolveId: (id) => (id === 'entry' ? id : null),
        load: (id) => (id === 'entry' ? code : null),
      },
      typescript({
        tsconfig: './tsconfig.json',
        include: ['src/**/*.ts'],
        compilerOptions: { noEmit: false, declaration: false, types: [] },
      }),
    ],
    onwarn: () => {},
  });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  const { critical, lazy } = criticalPath(output);
  return { entry: critical, lazy };
}

/** Everything the bundle holds, eager and lazy. */
const bundle = async (code: string) => {
  const { entry, lazy } = await chunks(code);
  return `${entry}\n${lazy}`;
};

// Markers of each part: a string only that part's code contains.
const LOADER = 'static.klaviyo.com';
const FORWARDER = '/beacon/v1/batch';
const CLIENT_API = 'a.klaviyo.com/client';
const SCRIPT_HOST = 'alreadyStarted';
const FACTORY = 'getUserTraits';
const SEGMENT = "'destination'";
const RUDDER = 'KLAVIYO';
// The log texts (src/logger/messages.ts): only an explicit installMessages() brings them in.
const TEXTS = 'would create a duplicate Klaviyo profile';

describe('tree shaking (rollup)', () => {
  it('each marker is in the part it stands for (so the absences below can fail)', async () => {
    const all = await bundle(
      `import * as k from './src/index.ts'; import { installMessages } from './src/logger/messages.ts'; import './src/hosts/script/autostart.ts'; console.log(k, installMessages);`,
    );
    for (const marker of [LOADER, FORWARDER, CLIENT_API, SCRIPT_HOST, FACTORY, SEGMENT, RUDDER, TEXTS])
      expect(all).toContain(marker);
  }, 30_000);

  it('the lower tiers (the Client API, cloud mode) are a chunk of their own, loaded by dynamic import', async () => {
    for (const entry of [
      `import { createKlaviyo } from './src/index.ts'; console.log(createKlaviyo);`,
      `import { createSegmentPlugin } from './src/hosts/segment/createSegmentPlugin.ts'; console.log(createSegmentPlugin);`,
      `import { createRudderStackIntegration } from './src/hosts/rudderstack/index.ts'; console.log(createRudderStackIntegration);`,
    ]) {
      const { entry: first, lazy } = await chunks(entry);
      expect(first).toContain(LOADER);
      expect(first).toContain('import(');
      for (const marker of [FORWARDER, CLIENT_API]) {
        expect(first).not.toContain(marker);
        expect(lazy).toContain(marker);
      }
    }
  }, 60_000);

  it('importing only the mapping pulls in nothing else', async () => {
    const code = await bundle(`import { mapMessage } from './src/mapping/index.ts'; console.log(mapMessage);`);
    expect(code).toContain('Viewed Product');
    for (const marker of [LOADER, FORWARDER, SCRIPT_HOST, FACTORY, SEGMENT, RUDDER, TEXTS])
      expect(code).not.toContain(marker);
  }, 30_000);

  it('importing the mapping from the package root pulls in nothing else either', async () => {
    const code = await bundle(`import { mapTrack } from './src/index.ts'; console.log(mapTrack);`);
    for (const marker of [LOADER, FORWARDER, SCRIPT_HOST, FACTORY, SEGMENT, RUDDER, TEXTS])
      expect(code).not.toContain(marker);
  }, 30_000);

  it('importing only the RudderStack class leaves out the other hosts', async () => {
    const code = await bundle(`import { Klaviyo } from './src/hosts/rudderstack/Klaviyo.ts'; console.log(Klaviyo);`);
    expect(code).toContain(RUDDER);
    expect(code).toContain(LOADER);
    for (const marker of [SCRIPT_HOST, FACTORY, SEGMENT, TEXTS]) expect(code).not.toContain(marker);
  }, 30_000);
});
