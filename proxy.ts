import { NextResponse, type NextRequest } from 'next/server';
import { hostAllowed } from './lib/server/guard';

/**
 * Page requests only (the matcher leaves out /api, whose uploads a proxy would cut at 10 MB,
 * and static files): refuses a Host it should not serve, and sets a strict Content Security
 * Policy with a fresh nonce, which Next.js puts on its own scripts.
 */
export function proxy(request: NextRequest): NextResponse {
  if (!hostAllowed(request.headers.get('host'), { token: process.env.TRACEFLEET_TOKEN, allowedHosts: process.env.TRACEFLEET_ALLOWED_HOSTS })) {
    return new NextResponse('This host name is not served: set TRACEFLEET_ALLOWED_HOSTS (or TRACEFLEET_TOKEN) on the server.\n', { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const dev = process.env.NODE_ENV !== 'production';
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // React style attributes (widths of flame-graph cards): styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  headers.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', csp);
  return response;
}

export const config = {
  matcher: [{ source: '/((?!api/|_next/static|_next/image|icon.svg|favicon.ico|agent.sh).*)' }],
};
