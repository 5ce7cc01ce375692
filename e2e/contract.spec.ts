import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { endpoints, endpointUrl, type Endpoint } from '../lib/api/endpoints';
import { ErrorBody } from '../lib/api/schemas';
import { CLUSTER1, corpus, createCapture, putNode } from './helpers';

/** A request for every GET endpoint of the table, on a capture with CPU profiles and an strace log. */
function requests(id: string): { name: string; endpoint: Endpoint; url: string }[] {
  const node = { id, node: 'node-a' };
  const r = <E extends Endpoint>(name: string, endpoint: E, url: string) => ({ name, endpoint: endpoint as Endpoint, url });
  return [
    r('listCaptures', endpoints.listCaptures, endpointUrl(endpoints.listCaptures, {}, { limit: 5 })),
    r('capture', endpoints.capture, endpointUrl(endpoints.capture, { id })),
    r('node', endpoints.node, endpointUrl(endpoints.node, node)),
    r('flamegraph', endpoints.flamegraph, endpointUrl(endpoints.flamegraph, node, { focus: ['cluster1-node-a'], search: 'gzip', maxNodes: 200, all: true })),
    r('syscalls', endpoints.syscalls, endpointUrl(endpoints.syscalls, { id, node: 'strace' }, {})),
    r('timeline', endpoints.timeline, endpointUrl(endpoints.timeline, node, { buckets: 20 })),
    r('heatmap subsecond', endpoints.heatmap, endpointUrl(endpoints.heatmap, { id }, { kind: 'subsecond', node: 'node-a', rows: 10 })),
    r('heatmap cluster', endpoints.heatmap, endpointUrl(endpoints.heatmap, { id }, { kind: 'syscalls', metric: 'time' })),
    r('heatmap node', endpoints.heatmap, endpointUrl(endpoints.heatmap, { id }, { kind: 'syscalls', node: 'strace', buckets: 10 })),
    r('heatmap latency', endpoints.heatmap, endpointUrl(endpoints.heatmap, { id }, { kind: 'latency', node: 'strace', syscall: 'read', buckets: 10 })),
    r('heatmap runq', endpoints.heatmap, endpointUrl(endpoints.heatmap, { id }, { kind: 'runq', node: 'tp', buckets: 10 })),
    r('schedLatency', endpoints.schedLatency, endpointUrl(endpoints.schedLatency, { id, node: 'tp' }, {})),
    r('clusterSchedLatency', endpoints.clusterSchedLatency, endpointUrl(endpoints.clusterSchedLatency, { id }, {})),
    r('thread', endpoints.thread, endpointUrl(endpoints.thread, { id, node: 'tp' }, {})),
    r('syscalls of a process', endpoints.syscalls, endpointUrl(endpoints.syscalls, { id, node: 'tp' }, { comm: 'gzip' })),
    r('diff', endpoints.diff, endpointUrl(endpoints.diff, { id }, { a: 'node-d', b: 'cluster', maxNodes: 150, focus: [] })),
    r('ranking', endpoints.ranking, endpointUrl(endpoints.ranking, { id }, {})),
    r('merged', endpoints.merged, endpointUrl(endpoints.merged, { id }, { merge: 'all', minShare: 0.01 })),
  ];
}

test.describe('the endpoint table is the contract', () => {
  test('every GET endpoint answers what its schema says', async ({ request }) => {
    const id = await createCapture(request, 'contract');
    for (const [i, file] of CLUSTER1.entries()) expect((await putNode(request, id, `node-${'abcd'[i]}`, readFileSync(file))).status()).toBe(201);
    expect((await putNode(request, id, 'strace', readFileSync(corpus('real/cluster1/node-a.strace.txt')))).status()).toBe(201);
    expect((await putNode(request, id, 'tp', readFileSync(corpus('real/cluster1/node-a.ftrace.txt')))).status()).toBe(201);
    for (const { name, endpoint, url } of requests(id)) {
      const res = await request.get(url);
      expect(res.status(), `${name}: ${url}`).toBe(endpoint.status ?? 200);
      if (typeof endpoint.response === 'string') continue;
      const parsed = endpoint.response.safeParse(await res.json());
      expect(parsed.success, `${name}: ${parsed.error?.message ?? ''}`).toBe(true);
    }
    const folded = await request.get(endpointUrl(endpoints.folded, { id, node: 'node-a' }, { pid: true }));
    expect(folded.headers()['content-type']).toContain('text/plain');
    expect((await folded.text()).split('\n')[0]).toMatch(/^[^;]+-(\d+|\?);.* \d+$/);
  });

  test('a well-formed id that names nothing is a 404 JSON error on every route', async ({ request }) => {
    const id = await createCapture(request, 'sweep');
    expect((await putNode(request, id, 'node-a', readFileSync(CLUSTER1[0] as string))).status()).toBe(201);
    const nobody = 'AAAAAAAAAAAAAAAAAAAAAA';
    const cases: [string, string, string?][] = [];
    for (const [capture, node] of [
      [nobody, 'node-a'],
      [id, 'no-such-node'],
    ] as const) {
      const p = { id: capture, node };
      cases.push(
        ['GET', endpointUrl(endpoints.node, p)],
        ['GET', endpointUrl(endpoints.source, { ...p, source: 'perf' })],
        ['DELETE', endpointUrl(endpoints.deleteSource, { ...p, source: 'perf' })],
        ['PUT', endpointUrl(endpoints.putNode, p), 'x 1\n'],
        ['DELETE', endpointUrl(endpoints.deleteNode, p)],
        ['GET', endpointUrl(endpoints.raw, p)],
        ['GET', endpointUrl(endpoints.folded, p, {})],
        ['GET', endpointUrl(endpoints.flamegraph, p, {})],
        ['GET', endpointUrl(endpoints.syscalls, p, {})],
        ['GET', endpointUrl(endpoints.timeline, p, {})],
        ['GET', endpointUrl(endpoints.heatmap, { id: capture }, { kind: 'subsecond', node })],
        ['GET', endpointUrl(endpoints.diff, { id: capture }, { a: node, b: 'cluster' })],
        ['GET', endpointUrl(endpoints.schedLatency, p, {})],
        ['GET', endpointUrl(endpoints.thread, p, {})],
      );
    }
    cases.push(
      ['GET', endpointUrl(endpoints.capture, { id: nobody })],
      ['PATCH', endpointUrl(endpoints.renameCapture, { id: nobody }), '{"name":"x"}'],
      ['DELETE', endpointUrl(endpoints.deleteCapture, { id: nobody })],
      ['GET', endpointUrl(endpoints.events, { id: nobody })],
      ['GET', endpointUrl(endpoints.tokens, { id: nobody })],
      ['DELETE', endpointUrl(endpoints.revokeToken, { id: nobody, token: 'abc' })],
      ['GET', endpointUrl(endpoints.folded, { id, node: 'node-a' }, { source: 'no-such-source' })],
      ['GET', endpointUrl(endpoints.ranking, { id: nobody }, {})],
      ['GET', endpointUrl(endpoints.merged, { id: nobody }, { merge: 'all' })],
      ['GET', endpointUrl(endpoints.heatmap, { id: nobody }, { kind: 'syscalls' })],
      ['GET', endpointUrl(endpoints.clusterSchedLatency, { id: nobody }, {})],
    );
    for (const [method, url, data] of cases) {
      // PUT to a missing node of an existing capture creates it: not a 404.
      if (method === 'PUT' && url.startsWith(`/api/captures/${id}/`)) continue;
      const res = await request.fetch(url, { method, data });
      expect(res.status(), `${method} ${url}`).toBe(404);
      expect(ErrorBody.parse(await res.json()).error.code, `${method} ${url}`).toBe('not_found');
    }
  });
});
