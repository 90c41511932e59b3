// Prints min, gzip and brotli sizes of every shipped artifact, fails when one is over its budget, and
// shows where the bytes of the two browser bundles go (by source folder, from their source maps).
import { existsSync, readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { eachMapping, TraceMap } from '@jridgewell/trace-mapping';
import terser from '@rollup/plugin-terser';
import { rollup } from 'rollup';

const KIB = 1024;
/**
 * `budget`: enforced, brotli (quality 11) bytes. `target`: the size goal, printed beside it.
 * The budgets are today's sizes plus a little: a regression guard that is lowered as the bundles shrink.
 */
const ARTIFACTS = [
  // Device mode + cloud forwarder, for RudderStack's device-mode slot.
  { file: 'dist/Klaviyo.min.js', budget: Math.round(14.65 * KIB), target: 4 * KIB },
  // The script-tag bundle: the same plus the rudderanalytics-style API and its identity store.
  { file: 'dist/klaviyo-device-mode.iife.js', budget: Math.round(15.45 * KIB), target: 5 * KIB },
  // The inline snippet.
  { file: 'dist/snippet.min.js', budget: 700, target: 700 },
  // What an app pays for `import { mapMessage } from 'klaviyo-device-mode/mapping'`, bundled and minified.
  {
    file: 'mapping-only import',
    entry: `export { mapMessage } from './dist/esm/mapping/index.js';`,
    budget: Math.round(3.55 * KIB),
    target: 1.5 * KIB,
  },
  // What a single-page app pays for the npm host, `import { createKlaviyo } from 'klaviyo-device-mode'`.
  {
    file: 'npm import (createKlaviyo)',
    entry: `export { createKlaviyo } from './dist/esm/index.js';`,
    budget: Math.round(14.9 * KIB),
  },
  // What an analytics-next app pays for `import { createSegmentPlugin } from 'klaviyo-device-mode/segment'`.
  {
    file: 'npm import (Segment plugin)',
    entry: `export { createSegmentPlugin } from './dist/esm/hosts/segment/createSegmentPlugin.js';`,
    budget: Math.round(14.3 * KIB),
  },
  // The message texts, loaded only by those who want full log lines (debugging).
  { file: 'dist/klaviyo-device-mode.messages.js', budget: Math.round(2.2 * KIB) },
];

const brotli = (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

/** Bundle a virtual entry with rollup + terser, as an app's build would. */
async function bundle(code) {
  const build = await rollup({
    input: 'entry',
    plugins: [
      { name: 'entry', resolveId: (id) => (id === 'entry' ? id : null), load: (id) => (id === 'entry' ? code : null) },
    ],
    onwarn() {},
  });
  const { output } = await build.generate({ format: 'es', plugins: [terser({ compress: { passes: 2 } })] });
  await build.close();
  return Buffer.from(output[0].code);
}

/**
 * Minified bytes per source folder (`src/<folder>`), attributed through the source map, and each
 * folder's share of the brotli size in proportion (brotli is not additive; this is an estimate).
 */
function byFolder(file, total) {
  const code = readFileSync(file, 'utf8');
  const starts = [0];
  for (let i = 0; i < code.length; i++) if (code[i] === '\n') starts.push(i + 1);
  const marks = [];
  eachMapping(new TraceMap(readFileSync(`${file}.map`, 'utf8')), (m) =>
    marks.push([starts[m.generatedLine - 1] + m.generatedColumn, m.source]),
  );
  marks.sort((a, b) => a[0] - b[0]);
  const bytes = {};
  marks.forEach(([at, source], i) => {
    const folder = /src\/([^/]+)\//.exec(source ?? '')?.[1] ?? '(other)';
    bytes[folder] = (bytes[folder] ?? 0) + ((marks[i + 1]?.[0] ?? code.length) - at);
  });
  return Object.entries(bytes)
    .sort((a, b) => b[1] - a[1])
    .map(([folder, min]) => ({ folder, min, 'brotli (est.)': Math.round((min / code.length) * total) }));
}

/** RudderStack's own Klaviyo device-mode integration, brotli, measured as their CDN serves it (modern build). */
const RUDDERSTACK_KLAVIYO_BROTLI = 4_248;

const rows = [];
const breakdowns = [];
let failed = false;
for (const { file, entry, budget, target } of ARTIFACTS) {
  if (!entry && !existsSync(file)) {
    console.error(`size: ${file} is missing; run npm run build first.`);
    process.exit(1);
  }
  const bytes = entry ? await bundle(entry) : readFileSync(file);
  const size = brotli(bytes);
  const over = size > budget;
  failed ||= over;
  rows.push({
    file,
    min: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: size,
    budget,
    status: over ? 'OVER BUDGET' : 'ok',
    goal: target ?? '',
  });
  if (!entry && existsSync(`${file}.map`)) breakdowns.push([file, byFolder(file, size)]);
}
console.table(rows);
for (const [file, table] of breakdowns) {
  console.log(`${file} by source folder:`);
  console.table(table);
}
// The anchor: RudderStack's own Klaviyo device-mode integration, as their CDN serves it (modern build).
const slot = rows.find((r) => r.file === 'dist/Klaviyo.min.js');
if (slot) {
  const times = (slot.brotli / RUDDERSTACK_KLAVIYO_BROTLI).toFixed(1);
  console.log(
    `dist/Klaviyo.min.js is ${slot.brotli} B brotli: ${times}× RudderStack's own Klaviyo integration (${RUDDERSTACK_KLAVIYO_BROTLI} B), ${slot.brotli - RUDDERSTACK_KLAVIYO_BROTLI} B more.`,
  );
}
if (failed) {
  console.error('size: an artifact is over its brotli budget.');
  process.exit(1);
}
