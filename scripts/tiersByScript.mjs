// The browser files cannot split: their lower tiers come as a `<script>` of their own. This rollup
// plugin puts the script loader (src/core/loadLowerTiersScript.ts) in place of the dynamic import npm
// apps get. Used by the build (rollup.config.mjs) and by `npm run size:without`, which must price the
// same critical path.
export const tiersByScript = () => ({
  name: 'lower-tiers-by-script',
  async resolveId(source, importer, options) {
    if (!source.endsWith('/loadLowerTiers.js')) return null;
    return this.resolve(source.replace(/loadLowerTiers\.js$/, 'loadLowerTiersScript.ts'), importer, options);
  },
});
