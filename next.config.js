// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Loaded by Node at run time, never bundled: a native addon, and pg (whose optional pg-native it would chase).
  serverExternalPackages: ['better-sqlite3', 'pg'],
  poweredByHeader: false,
  // Raw captures are streamed as they were stored (gzip stays gzip) with their length; compressing
  // every answer on the request thread would cost more than it saves on a cluster's network.
  compress: false,
  // Every answer: no MIME sniffing, never framed, no referrer sent elsewhere. API answers are
  // data only (pages get their nonce'd CSP from proxy.ts).
  async headers() {
    const common = [
      { key: 'X-Content-Type-Options', value: 'nosniff' },
      { key: 'X-Frame-Options', value: 'DENY' },
      { key: 'Referrer-Policy', value: 'same-origin' },
    ];
    return [
      { source: '/:path*', headers: common },
      { source: '/api/:path*', headers: [{ key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'" }] },
      { source: '/agent.sh', headers: [{ key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'" }] },
    ];
  },
  // Uploads stream through route handlers; proxy.ts matches pages only, never /api, whose
  // bodies it would cap at 10 MB (see GUIDE §5).
};

module.exports = nextConfig;
