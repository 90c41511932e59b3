// Browser bundles. The npm ESM build (per-file modules + .d.ts) is emitted by `tsc -p tsconfig.build.json`.
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';

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

/**
 * The browser files cannot split: their lower tiers come as a `<script>` of their own. This puts the
 * script loader (src/core/loadLowerTiersScript.ts) in place of the dynamic import npm apps get.
 */
const tiersByScript = () => ({
  name: 'lower-tiers-by-script',
  async resolveId(source, importer, options) {
    if (!source.endsWith('/loadLowerTiers.js')) return null;
    return this.resolve(source.replace(/loadLowerTiers\.js$/, 'loadLowerTiersScript.ts'), importer, options);
  },
});

/** One IIFE: `input` exposed as `window[name]` (merged into an existing object). */
const iife = (input, file, name) => ({
  input,
  output: { file, format: 'iife', name, extend: true, sourcemap: true },
  plugins: [tiersByScript(), ts(), minify()],
});

export default [
  // RudderStack JS SDK device-mode slot: defines window.Klaviyo_RS.Klaviyo.
  iife('src/hosts/rudderstack/bundle.ts', 'dist/Klaviyo.min.js', 'Klaviyo_RS'),
  // Script tag: starts itself from its data-* attributes, exposes window.klaviyoDeviceMode.
  {
    ...iife('src/hosts/script/autostart.ts', 'dist/klaviyo-device-mode.iife.js'),
    output: { file: 'dist/klaviyo-device-mode.iife.js', format: 'iife', sourcemap: true },
  },
  // The lower tiers (the Client API, cloud mode), loaded by the two bundles above when first needed.
  iife('src/tiers/createLowerTiers.ts', 'dist/klaviyo-device-mode.tiers.js', 'klaviyoDeviceModeTiers'),
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
