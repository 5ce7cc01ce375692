import { endpoints } from '@/lib/api/endpoints';
import { agentScript } from '@/lib/server/agent';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** GET /agent.sh → the agent to pipe into `sh` on each host (README "Capture a cluster"). */
export const GET = route(endpoints.agent, ({ req }) => agentScript(req));
