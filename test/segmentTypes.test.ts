// @vitest-environment node
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The Segment plugin as a TypeScript user meets it: the README's analytics-next example and an explicit
 * `Plugin` annotation, compiled with strict settings against analytics-next's own types.
 */
const ROOT = process.cwd();
const DIR = resolve(ROOT, 'test/.generated');

function readmeBlock(heading: string): string {
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(heading));
  const block = /```(?:js|ts)\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error(`no code block after ${heading}`);
  return block[1];
}

function compile(files: Record<string, string>): string[] {
  mkdirSync(DIR, { recursive: true });
  const paths = Object.entries(files).map(([name, text]) => {
    const path = resolve(DIR, name);
    writeFileSync(path, text);
    return path;
  });
  const program = ts.createProgram(paths, {
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2021,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2021.d.ts', 'lib.dom.d.ts'],
    types: [],
    baseUrl: ROOT,
    // The package's own entry, as `exports` maps it, from the sources (the types tsc emits from them).
    paths: { 'klaviyo-device-mode/segment': ['src/hosts/segment/createSegmentPlugin.ts'] },
  });
  // Only the user's files: what our own sources would say under these flags is not what a user sees
  // (they get our emitted declarations, with skipLibCheck).
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName.startsWith(DIR))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('the Segment plugin, typed as analytics-next Plugin', () => {
  it("the README's example compiles strictly", () => {
    const example = readmeBlock("### In Segment's analytics-next").replace('SEGMENT_WRITE_KEY', "'SEGMENT_WRITE_KEY'");
    expect(compile({ 'segment-readme.ts': `${example}\nexport {};\n` })).toEqual([]);
  }, 30_000);

  it('is assignable to Plugin and registers with analytics.register', () => {
    const code = `
      import { AnalyticsBrowser, type Plugin } from '@segment/analytics-next';
      import { createSegmentPlugin } from 'klaviyo-device-mode/segment';
      const plugin: Plugin = createSegmentPlugin({ publicApiKey: 'AbC123' });
      const analytics = AnalyticsBrowser.load({ writeKey: 'w' });
      void analytics.register(createSegmentPlugin({ publicApiKey: 'AbC123' }), plugin);
      export {};
    `;
    expect(compile({ 'segment-plugin.ts': code })).toEqual([]);
  }, 30_000);
});
