// A tiny static file server for the e2e pages and the built bundles (node:http, 127.0.0.1 only).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.map': 'application/json',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};
/** Only these folders are served. */
const ALLOWED = ['dist/', 'e2e/pages/', 'e2e/fixtures/', 'e2e/.generated/', 'demo/public/', 'node_modules/'];

/** Start the server; resolves to it once listening. `extra(req, res)` may answer a request first (returns true). */
export function startStaticServer(port = 0, host = '127.0.0.1', extra = undefined) {
  const server = createServer(async (req, res) => {
    if (extra && (await extra(req, res))) return;
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^\/+/, '');
    if (!ALLOWED.some((p) => path.startsWith(p))) {
      res.writeHead(404).end('not found');
      return;
    }
    try {
      const body = await readFile(join(ROOT, path));
      res.writeHead(200, {
        'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((done) => server.listen(port, host, () => done(server)));
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const port = Number(process.env.PORT ?? 4173);
  startStaticServer(port).then(() => console.log(`static server on http://127.0.0.1:${port}`));
}
