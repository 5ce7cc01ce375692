import { lookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { HttpError } from './http';

const MAX_REDIRECTS = 3;
const CONNECT_TIMEOUT_MS = 15_000;
/** A download that sends nothing for this long is abandoned. */
const IDLE_TIMEOUT_MS = 60_000;

/** Whether an address is on the public internet (not loopback, private, link-local, …). */
export function isPublicAddress(address: string): boolean {
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  return ip.range() === 'unicast';
}

async function resolvePinned(host: string, allowPrivate: boolean): Promise<{ address: string; family: number }> {
  const bare = host.replace(/^\[|\]$/g, '');
  const addrs = ipaddr.isValid(bare) ? [{ address: bare, family: ipaddr.parse(bare).kind() === 'ipv6' ? 6 : 4 }] : await lookup(bare, { all: true }).catch(() => []);
  if (addrs.length === 0) throw new HttpError(422, 'fetch_failed', `cannot resolve ${host}`);
  if (!allowPrivate) {
    const bad = addrs.find((a) => !isPublicAddress(a.address));
    if (bad) throw new HttpError(403, 'fetch_forbidden', `${host} resolves to ${bad.address}, a private or local address; set TRACEFLEET_FETCH_ALLOW_PRIVATE=1 to allow it`);
  }
  return addrs[0] as { address: string; family: number };
}

/**
 * Opens a capture URL for streaming: http/https only, every hop's address checked (no private
 * or local networks unless allowed) and pinned for the connection, so a DNS answer cannot change
 * between the check and the request. Follows up to 3 redirects.
 */
export async function openUrl(raw: string, allowPrivate: boolean): Promise<{ body: IncomingMessage; name: string }> {
  let url = new URL(raw);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HttpError(400, 'bad_request', 'only http and https URLs can be fetched');
    if (url.username || url.password) throw new HttpError(400, 'bad_request', 'URLs with credentials are not fetched');
    const pinned = await resolvePinned(url.hostname, allowPrivate);
    const pinnedLookup: LookupFunction = (_host, opts, cb) => {
      if ((opts as { all?: boolean }).all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
      else cb(null, pinned.address, pinned.family);
    };
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = (url.protocol === 'https:' ? https : http).get(url, { lookup: pinnedLookup, timeout: CONNECT_TIMEOUT_MS, headers: { 'user-agent': 'tracefleet', accept: '*/*' } }, resolve);
      req.on('timeout', () => req.destroy(new HttpError(422, 'fetch_failed', `${url.host} did not answer in time`)));
      req.on('error', (e) => reject(e instanceof HttpError ? e : new HttpError(422, 'fetch_failed', `fetching ${url.host} failed: ${e.message}`)));
    });
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      url = new URL(res.headers.location, url);
      continue;
    }
    if (status < 200 || status >= 300) {
      res.resume();
      throw new HttpError(422, 'fetch_failed', `${url.host} answered HTTP ${status}`);
    }
    res.setTimeout(IDLE_TIMEOUT_MS, () => res.destroy(new Error('the download stalled')));
    return { body: res, name: decodeURIComponent(url.pathname.split('/').pop() || url.host) };
  }
  throw new HttpError(422, 'fetch_failed', `more than ${MAX_REDIRECTS} redirects`);
}
