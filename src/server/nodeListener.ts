import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { CloudEndpoint } from './createCloudEndpoint.js';

/**
 * Serve a {@link CloudEndpoint} with `node:http`:
 * `createServer(nodeListener(createCloudEndpoint(options))).listen(8787)`. Also fits Express and
 * Connect (`app.use('/kdm', nodeListener(endpoint))`: routes are matched by how the path ends). Import it
 * from `klaviyo-device-mode/server/node`; the main server entry stays free of Node modules..
 */
export function nodeListener(endpoint: CloudEndpoint): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      try {
        const method = req.method ?? 'GET';
        const hasBody = method !== 'GET' && method !== 'HEAD';
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) {
          if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        const request = new Request(
          `http://${req.headers.host ?? 'localhost'}${(req as { originalUrl?: string }).originalUrl ?? req.url ?? '/'}`,
          {
            method,
            headers,
            body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
            duplex: 'half',
          } as RequestInit,
        );
        const response = await endpoint(request);
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      } catch {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":"internal error"}');
      }
    })();
  };
}
