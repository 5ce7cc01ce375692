import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** An origin safe to write into a shell script between single quotes (no quotes, spaces or `$`). */
const SAFE_ORIGIN = /^https?:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

let script: Promise<string> | null = null;

/**
 * GET /agent.sh: the POSIX sh agent (lib/server/agent/agent.sh) with this server's address
 * filled in, as the requester reached it (the Host it asked for), when that is a plain origin.
 */
export async function agentScript(req: Request): Promise<Response> {
  script ??= readFile(path.join(process.cwd(), 'lib/server/agent/agent.sh'), 'utf8');
  const origin = new URL(req.url).origin;
  const server = SAFE_ORIGIN.test(origin) ? `'${origin}'` : "''";
  return new Response((await script).replace('__TRACEFLEET_SERVER__', server), {
    headers: { 'content-type': 'text/x-shellscript; charset=utf-8', 'cache-control': 'no-store', 'content-disposition': 'inline; filename="agent.sh"' },
  });
}
