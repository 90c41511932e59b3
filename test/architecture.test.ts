import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The shape of src/ (docs/architecture.md): dependencies point one way, hosts → core → delivery tiers
 * → config → mapping → logger and util, and no runtime import cycle exists.
 */
const SRC = resolve(process.cwd(), 'src');
const LAYER: Record<string, number> = {
  'version.ts': 0,
  logger: 0,
  util: 0,
  mapping: 1,
  config: 2,
  klaviyo: 3,
  cloud: 3,
  clientApi: 3,
  tiers: 4,
  core: 5,
  hosts: 6,
  server: 6,
  'index.ts': 7,
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Each file's imports as paths relative to src/, runtime ones apart from type-only ones. */
function imports(file: string): Array<{ target: string; typeOnly: boolean }> {
  const text = readFileSync(file, 'utf8');
  const out: Array<{ target: string; typeOnly: boolean }> = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?[^'";]*?from\s+'(\.[^']+)'/gm)) {
    const target = relative(SRC, resolve(dirname(file), m[2].replace(/\.js$/, '.ts')));
    out.push({ target, typeOnly: !!m[1] });
  }
  // A dynamic import is a runtime import too (the lower tiers chunk).
  for (const m of text.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g)) {
    out.push({ target: relative(SRC, resolve(dirname(file), m[1].replace(/\.js$/, '.ts'))), typeOnly: false });
  }
  return out;
}

const layerOf = (path: string) => LAYER[path.split('/')[0]];
const graph = new Map(files(SRC).map((f) => [relative(SRC, f), imports(f)]));

describe('src/ structure', () => {
  it('every top-level folder and file has a layer', () => {
    for (const path of graph.keys()) expect(layerOf(path), path).toBeTypeOf('number');
  });

  it('imports point down the layers (or stay in their folder)', () => {
    const upward: string[] = [];
    for (const [from, list] of graph) {
      for (const { target } of list) {
        const same = from.split('/')[0] === target.split('/')[0];
        if (!same && layerOf(target) >= layerOf(from)) upward.push(`${from} -> ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no runtime import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (node: string, trail: string[]) => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(node)), node].join(' -> '));
        return;
      }
      state.set(node, 'open');
      for (const { target, typeOnly } of graph.get(node) ?? []) if (!typeOnly) visit(target, [...trail, node]);
      state.set(node, 'done');
    };
    for (const node of graph.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });
});
