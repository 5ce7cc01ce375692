/**
 * Browser-facing defences, shared by route handlers (route.ts) and page requests (proxy.ts).
 * Kept free of Node-only imports: proxy.ts may run on the edge runtime.
 */

/** Host names a server with open writes answers to unless TRACEFLEET_ALLOWED_HOSTS says more. */
const LOOPBACK = ['localhost', '127.0.0.1', '[::1]', '::1'];

/** The host name of a Host header, without its port. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  return h.replace(/:\d+$/, '');
}

/**
 * Whether a request's Host may be served. While writes are open (no TRACEFLEET_TOKEN), only
 * loopback names and TRACEFLEET_ALLOWED_HOSTS: a web page elsewhere cannot reach a server on
 * someone's machine by pointing its own DNS name at 127.0.0.1 (DNS rebinding). With a token,
 * every write needs the token anyway and any Host is served.
 */
export function hostAllowed(host: string | null, env: { token?: string; allowedHosts?: string }): boolean {
  if (env.token) return true;
  if (!host) return false;
  const allowed = [...LOOPBACK, ...(env.allowedHosts ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean)];
  return allowed.includes('*') || allowed.includes(hostName(host));
}

/** Content types a cross-site form or a no-preflight fetch can send: never enough for a write. */
const SIMPLE_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * Why a write request may be forged from another site, or null when it cannot be: a token
 * cannot be sent cross-site without our consent (CORS); otherwise the body's type must not be
 * one a form can send, and an Origin, when the browser sends one, must be this server's.
 */
export function forgeryRisk(req: { method: string; headers: Headers }): string | null {
  if (req.method === 'GET' || req.method === 'HEAD') return null;
  if (/^Bearer\s/i.test(req.headers.get('authorization') ?? '')) return null;
  const type = (req.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (SIMPLE_TYPES.includes(type)) return `a write with content-type ${type} could come from a form on another site: send application/json (or application/octet-stream for uploads)`;
  const origin = req.headers.get('origin');
  if (origin) {
    const host = req.headers.get('x-forwarded-host') ?? req.headers.get('host') ?? '';
    let from = '';
    try {
      from = new URL(origin).host.toLowerCase();
    } catch {
      // "null" and other opaque origins are never this server
    }
    if (from !== host.toLowerCase()) return 'the request comes from another site';
  }
  return null;
}
