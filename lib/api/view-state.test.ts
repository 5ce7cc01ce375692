import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, parseViewState, serializeViewState } from './view-state';

describe('view state in the URL', () => {
  it('round-trips every field', () => {
    const s = parseViewState(
      new URLSearchParams('v=1&view=timeline&node=node-d&z.node-d=hotspot-filter;main&q=gzip&ev=cpu-clock&t.node-d=100-2000&hm.node-a=1000000000,20000000,1,3,10,29&off.node-b=-5000&sc=read&scm=time&a=node-d&b=node-a&shape=b&scale=shared&dz=gzip;main&mz=x&src=strace&ss.node-a=strace-2&so.node-a~strace-2=-2500&pc=gzip&oc=1&oz.node-a=[S sleeping];gzip&rc=wakeup&sq.node-a=ftrace&tid=19059&fn=mix_round.constprop.0&fs=node-d&sz=mix_round.constprop.0;main&fz=mix_round.constprop.0&or=flame&tf=excl%3Aswapper%0Adrop%3A%2F%5Ecpuidle%2F%0Ahide%3A0.5&fo=total&ab=1&ct=19059'),
    );
    expect(s).toEqual({
      v: 1,
      view: 'timeline',
      node: 'node-d',
      zoom: { 'node-d': ['hotspot-filter', 'main'] },
      search: 'gzip',
      event: 'cpu-clock',
      range: { 'node-d': [100, 2000] },
      cells: { 'node-a': { colNs: 1e9, rowNs: 2e7, c0: 1, c1: 3, r0: 10, r1: 29 } },
      offset: { 'node-b': -5000 },
      syscall: 'read',
      metric: 'time',
      a: 'node-d',
      b: 'node-a',
      shape: 'b',
      scale: 'shared',
      orientation: 'flame',
      transforms: [{ op: 'excl', arg: 'swapper' }, { op: 'drop', arg: '/^cpuidle/' }, { op: 'hide', pct: 0.5 }],
      fnSort: 'total',
      absolute: true,
      chartThread: 19059,
      diffZoom: ['gzip', 'main'],
      mergedZoom: ['x'],
      kind: 'strace',
      sysSource: { 'node-a': 'strace-2' },
      sourceOffset: { 'node-a~strace-2': -2500 },
      comm: 'gzip',
      offCpu: true,
      offZoom: { 'node-a': ['[S sleeping]', 'gzip'] },
      cause: 'wakeup',
      schedSource: { 'node-a': 'ftrace' },
      tid: 19059,
      fn: 'mix_round.constprop.0',
      fnHost: 'node-d',
      callersZoom: ['mix_round.constprop.0', 'main'],
      calleesZoom: ['mix_round.constprop.0'],
    });
    expect(parseViewState(serializeViewState(s))).toEqual(s);
  });

  it('drops what is malformed and keeps the rest', () => {
    const s = parseViewState(new URLSearchParams('view=bogus&node=bad name&z.ok=a&t.ok=5-1&hm.ok=1,2&off.ok=x&scm=nope&src=nokind&ss.ok=bad%20name&so.nosource=5&so.a~b=x&q=' + 'x'.repeat(600)));
    expect(s.view).toBe('flame');
    expect(s.node).toBeUndefined();
    expect(s.zoom).toEqual({ ok: ['a'] });
    expect(s.range).toEqual({});
    expect(s.cells).toEqual({});
    expect(s.offset).toEqual({});
    expect(s.metric).toBe('calls');
    expect(s.search).toBe('');
    expect(s.kind).toBeUndefined();
    expect(s.sysSource).toEqual({});
    expect(s.sourceOffset).toEqual({});
    const t = parseViewState(new URLSearchParams('view=sched&rc=bogus&tid=-3&oc=yes&sq.a=bad%20name'));
    expect([t.view, t.cause, t.tid, t.offCpu, t.schedSource]).toEqual(['sched', undefined, undefined, false, {}]);
  });

  it('an empty URL is the default view, and the default serialises to just the version', () => {
    expect(parseViewState(new URLSearchParams(''))).toEqual(DEFAULT_VIEW);
    expect(serializeViewState(DEFAULT_VIEW).toString()).toBe('v=1');
  });
});
