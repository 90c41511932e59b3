// Browser bundles. The npm ESM build (per-file modules + .d.ts) is emitted by `tsc -p tsconfig.build.json`.
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tiersByScript } from './scripts/tiersByScript.mjs';

const TIERS_FILE = 'dist/klaviyo-device-mode.tiers.js';
/** The mark in src/core/loadLowerTiersScript.ts that the chunk's hash replaces (same length: the source map holds). */
const TIERS_MARK = '%%KDM_TIERS_SHA384%%____________________________________________';

const ts = () =>
  typescript({
    tsconfig: './tsconfig.json',
    include: ['src/**/*.ts'],
    compilerOptions: { noEmit: false, declaration: false, types: [] },
  });

const minify = () =>
  terser({
    ecma: 2020,
    compress: { passes: 2 },
    format: { comments: false },
  });

/** The chunk is built first (below): its SHA-384 goes into the loader, for pages that pin with SRI. */
const tiersHash = () => ({
  name: 'lower-tiers-hash',
  renderChunk(code) {
    if (!code.includes(TIERS_MARK)) return null;
    const hash = createHash('sha384').update(readFileSync(TIERS_FILE)).digest('base64');
    if (hash.length !== TIERS_MARK.length) throw new Error('the SHA-384 mark has the wrong length');
    return { code: code.replace(TIERS_MARK, hash), map: null };
  },
});

/** One IIFE: `input` exposed as `window[name]` (merged into an existing object). */
const iife = (input, file, name) => ({
  input,
  output: { file, format: 'iife', name, extend: true, sourcemap: true },
  plugins: [tiersByScript(), tiersHash(), ts(), minify()],
});

export default [
  // The lower tiers (the Client API, cloud mode), loaded by the two bundles below when first needed.
  // First: the bundles carry its hash.
  iife('src/tiers/createLowerTiers.ts', TIERS_FILE, 'klaviyoDeviceModeTiers'),
  // RudderStack JS SDK device-mode slot: defines window.Klaviyo_RS.Klaviyo.
  iife('src/hosts/rudderstack/bundle.ts', 'dist/Klaviyo.min.js', 'Klaviyo_RS'),
  // Script tag: starts itself from its data-* attributes, exposes window.klaviyoDeviceMode.
  {
    ...iife('src/hosts/script/autostart.ts', 'dist/klaviyo-device-mode.iife.js'),
    output: { file: 'dist/klaviyo-device-mode.iife.js', format: 'iife', sourcemap: true },
  },
  // The message texts: loaded before our script, every log line carries its full text (see src/logger/messages.ts).
  {
    ...iife('src/logger/messagesBundle.ts', 'dist/klaviyo-device-mode.messages.js'),
    output: { file: 'dist/klaviyo-device-mode.messages.js', format: 'iife' },
  },
  // The inline snippet, minified (the README carries the same code).
  {
    input: 'src/hosts/script/snippet.js',
    output: { file: 'dist/snippet.min.js', format: 'es' },
    treeshake: false,
    plugins: [terser({ ecma: 5, compress: { passes: 2 }, format: { comments: false }, mangle: { toplevel: true } })],
  },
];
