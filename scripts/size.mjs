// Prints min, gzip and brotli sizes of every shipped artifact, fails when one is over its budget, and
// shows where the bytes of the two browser bundles go (by source folder, from their source maps).
import { existsSync, readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { eachMapping, TraceMap } from '@jridgewell/trace-mapping';
import terser from '@rollup/plugin-terser';
import { rollup } from 'rollup';
import { criticalPath } from './criticalPath.mjs';

const KIB = 1024;
/**
 * `budget`: enforced, brotli (quality 11) bytes: today's sizes plus a little, a regression guard lowered
 * as the files shrink. `goal`: the size asked for (issue "Size and start-up"), printed beside it with
 * the distance. `lazy`: loaded only when needed, off the page's critical path.
 */
const ARTIFACTS = [
  // The critical path of RudderStack's device-mode slot (and of the custom integration by script tag).
  { file: 'dist/Klaviyo.min.js', budget: 12_100, goal: 6_144 },
  // The critical path of the script tag: the same plus the rudderanalytics-style API and its identity store.
  { file: 'dist/klaviyo-device-mode.iife.js', budget: 13_130, goal: 6_656 },
  // The lower tiers (the Client API, cloud mode), the configuration texts and identifyFromForms: loaded
  // by the two files above, beside them, when first needed (at idle with cloud mode).
  { file: 'dist/klaviyo-device-mode.tiers.js', budget: 8_050, lazy: true },
  // The inline snippet.
  { file: 'dist/snippet.min.js', budget: 700, goal: 700 },
  // What an app pays for `import { mapMessage } from 'klaviyo-device-mode/mapping'`, bundled and minified.
  {
    file: 'mapping-only import',
    entry: `export { mapMessage } from './dist/esm/mapping/index.js';`,
    budget: 3_820,
    goal: 1.5 * KIB,
  },
  // What a single-page app pays for the npm host, `import { createKlaviyo } from 'klaviyo-device-mode'`:
  // the entry (critical path), and the chunk its bundler splits off at the dynamic import.
  {
    file: 'npm import (createKlaviyo)',
    entry: `export { createKlaviyo } from './dist/esm/index.js';`,
    budget: 12_860,
    lazyBudget: 6_400,
  },
  // What an analytics-next app pays for `import { createSegmentPlugin } from 'klaviyo-device-mode/segment'`.
  {
    file: 'npm import (Segment plugin)',
    entry: `export { createSegmentPlugin } from './dist/esm/hosts/segment/createSegmentPlugin.js';`,
    budget: 12_130,
    lazyBudget: 6_400,
  },
  // The message texts, loaded only by those who want full log lines (debugging).
  { file: 'dist/klaviyo-device-mode.messages.js', budget: Math.round(2.2 * KIB), lazy: true },
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
  const { critical, lazy } = criticalPath(output);
  return { entry: Buffer.from(critical), lazy: Buffer.from(lazy) };
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
/** Of which its Klaviyo logic (by its source map, about 1.5 KB); the rest is shared plumbing (ramda, get-value, its logger). */
const RUDDERSTACK_KLAVIYO_LOGIC_BROTLI = 1_500;

const rows = [];
const breakdowns = [];
let failed = false;
const row = (file, bytes, budget, goal, lazy) => {
  const size = brotli(bytes);
  const over = size > budget;
  failed ||= over;
  rows.push({
    file,
    path: lazy ? 'lazy' : 'critical',
    min: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: size,
    budget,
    status: over ? 'OVER BUDGET' : 'ok',
    goal: goal ?? '',
    'to goal': goal ? (size <= goal ? 'met' : `+${size - goal}`) : '',
  });
  return size;
};
for (const { file, entry, budget, goal, lazy, lazyBudget } of ARTIFACTS) {
  if (entry) {
    const { entry: first, lazy: rest } = await bundle(entry);
    row(file, first, budget, goal, false);
    if (rest.length) row(`${file}: its lazy chunk`, rest, lazyBudget, undefined, true);
    continue;
  }
  if (!existsSync(file)) {
    console.error(`size: ${file} is missing; run npm run build first.`);
    process.exit(1);
  }
  const size = row(file, readFileSync(file), budget, goal, lazy);
  if (!lazy && existsSync(`${file}.map`)) breakdowns.push([file, byFolder(file, size)]);
}
console.table(rows);
for (const [file, table] of breakdowns) {
  console.log(`${file} by source folder:`);
  console.table(table);
}
// The anchor: RudderStack's own Klaviyo device-mode integration, as their CDN serves it (modern build).
for (const { file, brotli: size } of rows.filter(
  (r) => r.path === 'critical' && /^dist\/(K|klaviyo-device-mode\.iife)/.test(r.file),
)) {
  const times = (size / RUDDERSTACK_KLAVIYO_BROTLI).toFixed(2);
  console.log(
    `${file}: ${size} B brotli on the critical path, ${times}× RudderStack's own Klaviyo integration (${RUDDERSTACK_KLAVIYO_BROTLI} B), ${size - RUDDERSTACK_KLAVIYO_BROTLI} B more.`,
  );
}
// How far each part of the slot's critical path is from the anchor's counterpart: our mapping against
// its Klaviyo logic, everything else against its plumbing (brotli shares are estimates).
const slotParts = breakdowns.find(([file]) => file === 'dist/Klaviyo.min.js')?.[1];
if (slotParts) {
  const mapping = slotParts.find((p) => p.folder === 'mapping')?.['brotli (est.)'] ?? 0;
  const rest = slotParts.reduce((sum, p) => sum + p['brotli (est.)'], 0) - mapping;
  const plumbing = RUDDERSTACK_KLAVIYO_BROTLI - RUDDERSTACK_KLAVIYO_LOGIC_BROTLI;
  console.log("dist/Klaviyo.min.js by part, against RudderStack's own (`npm run size:without` prices each part):");
  console.table([
    {
      part: 'mapping (theirs: Klaviyo logic)',
      ours: mapping,
      theirs: RUDDERSTACK_KLAVIYO_LOGIC_BROTLI,
      more: mapping - RUDDERSTACK_KLAVIYO_LOGIC_BROTLI,
    },
    { part: 'everything else (theirs: plumbing)', ours: rest, theirs: plumbing, more: rest - plumbing },
  ]);
}
if (failed) {
  console.error('size: an artifact is over its brotli budget.');
  process.exit(1);
}
