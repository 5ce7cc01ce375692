// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Native addon: loaded by Node at run time, never bundled.
  serverExternalPackages: ['better-sqlite3'],
  poweredByHeader: false,
  // Uploads stream through route handlers; there is deliberately no proxy.ts/middleware,
  // which would cap request bodies at 10 MB (see GUIDE §5).
};

module.exports = nextConfig;
