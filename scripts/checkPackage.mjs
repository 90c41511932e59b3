// `npm run test:package`: packs the package as npm would publish it, then lints the tarball with
// publint (strict) and checks every import path's types with Are The Types Wrong (ESM-only profile:
// the package has no CommonJS build). Run after `npm run build`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'kdm-pack-'));
const bin = (name) => join('node_modules', '.bin', name);
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
let failed = false;
try {
  // --ignore-scripts: dist/ is already built by `npm run build` (prepack would build it again).
  run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir]);
  const tarball = join(
    dir,
    readdirSync(dir).find((f) => f.endsWith('.tgz')),
  );
  for (const [cmd, args] of [
    [bin('publint'), ['--strict', tarball]],
    [bin('attw'), ['--profile', 'esm-only', '--format', 'table-flipped', tarball]],
  ]) {
    try {
      run(cmd, args);
    } catch {
      failed = true;
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (failed) {
  console.error('test:package: the packed tarball fails publint or attw (see above).');
  process.exit(1);
}
