// Prices behaviours in bytes: builds dist/Klaviyo.min.js (the critical path) as `npm run build` does, but
// with some source modules replaced by empty stand-ins, and prints each variant's brotli size. An
// experiment to inform size decisions (docs/performance.md); not part of `npm test`.
// Run: `npm run size:without`.
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { rollup } from 'rollup';
import { tiersByScript } from './tiersByScript.mjs';
import { brotliCompressSync, constants } from 'node:zlib';

const NO_MAPPING = {
  'src/mapping/mapIdentify.ts':
    'export const identifyTraits = () => ({}); export const mapIdentify = () => ({ commands: [], warnings: [] });',
  'src/mapping/mapTrack.ts': 'export const mapTrack = () => ({ commands: [], warnings: [] });',
};
const NO_MAPPING_AT_ALL = {
  'src/mapping/mapMessage.ts': 'export const mapMessage = () => ({ commands: [], warnings: [] });',
};
const NO_ACK = {
  'src/klaviyo/KlaviyoTier.ts':
    'export class KlaviyoTier { state = "idle"; onChange() {} start() {} send() { return { giveUp() {}, cancel() {} }; } takeBack() {} }',
  'src/core/Ladder.ts':
    'export class Ladder { deliver() {} get busy() { return false; } afterInFlight(w) { w(); } leave() {} clear() { return 0; } }',
};
const NO_RUDDERSTACK_CONSENT = {
  'src/hosts/rudderstack/consentDenied.ts': 'export const consentDenied = () => false;',
};
const JSON_COPY = {
  'src/mapping/toJsonValue.ts':
    'export const MAX_DEPTH = 20; export function toJsonValue(v) { try { return JSON.parse(JSON.stringify(v)); } catch { return undefined; } }' +
    ' export function toJsonObject(v) { const o = toJsonValue(v); return o && typeof o === "object" && !Array.isArray(o) ? o : {}; }',
};
const VARIANTS = [
  ['as shipped', {}],
  ['without identify and track mapping', NO_MAPPING],
  ['without any mapping', NO_MAPPING_AT_ALL],
  ['without the acknowledgement (KlaviyoTier, Ladder)', NO_ACK],
  ['without the mapping and the acknowledgement', { ...NO_MAPPING_AT_ALL, ...NO_ACK }],
  ['without the RudderStack consent check', NO_RUDDERSTACK_CONSENT],
  ['hostile-input copy replaced by a JSON round trip', JSON_COPY],
];

async function size(stubs) {
  const unused = new Set(Object.keys(stubs));
  const build = await rollup({
    input: 'src/hosts/rudderstack/bundle.ts',
    plugins: [
      // Stand-ins are plain JavaScript, so they are served before the TypeScript plugin sees them.
      {
        name: 'stand-ins',
        load(id) {
          const path = Object.keys(stubs).find((p) => id.endsWith(p));
          unused.delete(path);
          return path ? stubs[path] : null;
        },
      },
      tiersByScript(), // as the build does: the lower tiers come by a <script> of their own
      typescript({
        tsconfig: './tsconfig.json',
        include: ['src/**/*.ts'],
        compilerOptions: { noEmit: false, declaration: false, types: [], noUnusedLocals: false },
        noEmitOnError: false,
      }),
    ],
    onwarn() {},
  });
  const { output } = await build.generate({
    format: 'iife',
    name: 'Klaviyo_RS',
    extend: true,
    plugins: [terser({ ecma: 2020, compress: { passes: 2 }, format: { comments: false } })],
  });
  await build.close();
  // A module renamed or no longer in the bundle would silently price nothing.
  if (unused.size)
    throw new Error(`sizeWithout: no module ${[...unused].join(', ')} in the bundle; update the stand-ins.`);
  return brotliCompressSync(output[0].code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
}

const rows = [];
for (const [variant, stubs] of VARIANTS) rows.push({ 'Klaviyo.min.js': variant, brotli: await size(stubs) });
console.table(rows);
