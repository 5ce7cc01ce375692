// The production server: Next.js behind a thin Node http server that answers, before Next.js
// sees them, what it would turn into a plain-text 500: a path whose percent-encoding does not
// decode (`/api/captures/X/nodes/%ff`). It also tells route handlers the peer's address (for
// the per-client upload limit) and keeps slow clients from holding sockets forever.
//
//   node server.mjs            PORT (3000) and TRACEFLEET_HOST (all interfaces) from the environment
import http from 'node:http';
import next from 'next';

const port = Number(process.env.PORT ?? 3000);
// Not HOSTNAME: shells and containers set it to the machine's name.
const hostname = process.env.TRACEFLEET_HOST || undefined;
const app = next({ dev: false, hostname: hostname ?? 'localhost', port });
const handle = app.getRequestHandler();
// Requests wait until the app's start-up (instrumentation.ts: the store opened, or the process
// ended because another server holds the data folder) says it is ready; never longer than 30 s.
const READY = Symbol.for('tracefleet.ready');
let markReady = () => undefined;
globalThis[READY] = { promise: new Promise((r) => (markReady = r)), resolve: () => markReady() };
setTimeout(() => markReady(), 30_000).unref();
await app.prepare();

const server = http.createServer(async (req, res) => {
  await globalThis[READY].promise;
  try {
    decodeURIComponent(new URL(req.url ?? '/', 'http://local').pathname);
  } catch {
    const body = JSON.stringify({ error: { code: 'bad_request', message: 'the path is not valid percent-encoded UTF-8' } });
    res.writeHead(400, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(body);
    req.resume();
    return;
  }
  req.headers['x-tracefleet-peer'] = req.socket.remoteAddress ?? '';
  handle(req, res).catch((err) => {
    console.error('tracefleet: request failed', err);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'internal', message: 'internal error' } }));
  });
});
// Headers must arrive within a minute; bodies are the route handlers' business (their own deadlines).
server.headersTimeout = 60_000;
server.requestTimeout = 0;
server.keepAliveTimeout = 5_000;
server.listen(port, hostname, () => console.log(`tracefleet on http://${hostname ?? 'localhost'}:${port}`));
// Stopping: no new connections; requests under way get a grace period, then every connection
// ends (live pages hold theirs open for good and reconnect to another replica by themselves).
const GRACE_MS = 10_000;
for (const sig of ['SIGINT', 'SIGTERM'])
  process.on(sig, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => {
      server.closeAllConnections();
      process.exit(0);
    }, GRACE_MS).unref();
  });
