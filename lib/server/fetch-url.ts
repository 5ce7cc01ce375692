import { lookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { HttpError } from './http';

const MAX_REDIRECTS = 3;
const CONNECT_TIMEOUT_MS = 15_000;

/**
 * Whether an address is on the public internet. Default deny: IPv4 `unicast` only; IPv6
 * `unicast` only, with every form that embeds an IPv4 address judged by that address
 * (`::ffff:a.b.c.d`) or refused (`::a.b.c.d`, NAT64, 6to4, Teredo: they can reach private hosts).
 */
export function isPublicAddress(address: string): boolean {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(address);
  } catch {
    return false;
  }
  if (ip.kind() === 'ipv4') return ip.range() === 'unicast';
  const v6 = ip as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().range() === 'unicast';
  // ::/96, the deprecated IPv4-compatible form (ipaddr.js calls it unicast).
  if (v6.parts.slice(0, 6).every((p) => p === 0)) return false;
  return v6.range() === 'unicast';
}

/** Why a fetch failed, said without the details an attacker could use (addresses, statuses, bytes). */
const fail = (category: string) => new HttpError(422, 'fetch_failed', `could not fetch the capture: ${category}`);

async function resolvePinned(host: string, allowPrivate: boolean): Promise<{ address: string; family: number }> {
  const bare = host.replace(/^\[|\]$/g, '');
  const addrs = ipaddr.isValid(bare) ? [{ address: bare, family: ipaddr.parse(bare).kind() === 'ipv6' ? 6 : 4 }] : await lookup(bare, { all: true }).catch(() => []);
  if (addrs.length === 0) throw fail('the host name does not resolve');
  if (!allowPrivate && addrs.some((a) => !isPublicAddress(a.address)))
    throw new HttpError(403, 'fetch_forbidden', 'the URL points to a private or local address; set TRACEFLEET_FETCH_ALLOW_PRIVATE=1 to allow that');
  return addrs[0] as { address: string; family: number };
}

function parseUrl(raw: string, base?: URL): URL {
  try {
    return new URL(raw, base);
  } catch {
    throw base ? fail('the server redirected to a malformed URL') : new HttpError(400, 'bad_request', 'not a URL');
  }
}

/** The file name of a URL's path, for error messages; never fails on a stray `%`. */
export function fileNameOf(url: URL): string {
  const last = url.pathname.split('/').pop() || url.host;
  try {
    return decodeURIComponent(last).slice(0, 256);
  } catch {
    return last.slice(0, 256);
  }
}

/**
 * Opens a capture URL for streaming: http/https only, every hop's address checked (no private
 * or local networks unless allowed) and pinned for the connection, so a DNS answer cannot change
 * between the check and the request. Follows up to 3 redirects. `signal` stops it (the client
 * went away); a body larger than `maxBytes` by its Content-Length is refused before reading.
 */
export async function openUrl(raw: string, allowPrivate: boolean, opts: { signal?: AbortSignal; maxBytes?: number } = {}): Promise<{ body: IncomingMessage; name: string }> {
  let url = parseUrl(raw);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HttpError(400, 'bad_request', 'only http and https URLs can be fetched');
    if (url.username || url.password) throw new HttpError(400, 'bad_request', 'URLs with credentials are not fetched');
    const pinned = await resolvePinned(url.hostname, allowPrivate);
    const pinnedLookup: LookupFunction = (_host, lookupOpts, cb) => {
      if ((lookupOpts as { all?: boolean }).all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
      else cb(null, pinned.address, pinned.family);
    };
    const target = url;
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = (target.protocol === 'https:' ? https : http).get(target, { lookup: pinnedLookup, timeout: CONNECT_TIMEOUT_MS, signal: opts.signal, headers: { 'user-agent': 'tracefleet', accept: '*/*' } }, resolve);
      req.on('timeout', () => req.destroy(fail('the server did not answer in time')));
      req.on('error', (e) => reject(e instanceof HttpError ? e : opts.signal?.aborted ? new HttpError(400, 'aborted', 'the request was cancelled') : fail('the connection failed')));
    });
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      url = parseUrl(res.headers.location, url);
      continue;
    }
    if (status < 200 || status >= 300) {
      res.resume();
      throw fail('the server did not send the file');
    }
    const length = Number(res.headers['content-length']);
    if (opts.maxBytes !== undefined && Number.isFinite(length) && length > opts.maxBytes) {
      res.destroy();
      throw new HttpError(413, 'too_large', `the file is larger than the ${opts.maxBytes}-byte limit (TRACEFLEET_MAX_NODE_BYTES)`);
    }
    return { body: res, name: fileNameOf(url) };
  }
  throw fail(`more than ${MAX_REDIRECTS} redirects`);
}
