// A real `redis-server` (Debian's package; `.ci/run` installs it) of its own on 127.0.0.1, for the
// Redis tests and the endpoint benchmark: no persistence, stopped and started again at will.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/** Whether `redis-server` is on this machine. */
export function hasRedisServer() {
  return spawnSync('redis-server', ['--version']).status === 0;
}

async function freePort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  return typeof address === 'object' && address ? address.port : 0;
}

/** Start one; resolves once it accepts connections. Returns its `url`, `port`, `stop()` and `start()`. */
export async function startRedisServer() {
  const port = await freePort();
  let child;
  const start = () =>
    new Promise((resolve, reject) => {
      const proc = spawn('redis-server', [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
      ]);
      child = proc;
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
      proc.stdout.on('data', (chunk) => {
        out += chunk.toString();
        if (/Ready to accept connections/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.on('exit', (code) => {
        clearTimeout(timer);
        if (!/Ready to accept/.test(out)) reject(new Error(`redis-server exited ${code}: ${out}`));
      });
    });
  const stop = () =>
    new Promise((resolve) => {
      if (!child || child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, start, stop };
}
