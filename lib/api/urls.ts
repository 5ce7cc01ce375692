/** Paths of the share links and API endpoints (one place, used by server, client and tests). */
export const captureUrl = (id: string): string => `/c/${id}`;
export const api = {
  captures: '/api/captures',
  capture: (id: string) => `/api/captures/${id}`,
  node: (id: string, node: string) => `/api/captures/${id}/nodes/${encodeURIComponent(node)}`,
  folded: (id: string, node: string) => `/api/captures/${id}/nodes/${encodeURIComponent(node)}/folded`,
  flamegraph: (id: string, node: string) => `/api/captures/${id}/nodes/${encodeURIComponent(node)}/flamegraph`,
  raw: (id: string, node: string) => `/api/captures/${id}/nodes/${encodeURIComponent(node)}/raw`,
};
