/**
 * The behaviour every CaptureStore must have. Each implementation's test file calls
 * `captureStoreContract` with a factory that opens the real store (no mocks).
 */
import { describe, expect, it } from 'vitest';
import type { Profile } from '../profile/types';
import type { CaptureStore, NodeSummary } from './types';

export interface StoreHarness {
  /** A fresh, empty store. */
  open(): Promise<CaptureStore>;
  /** The same store again, as after a server restart. */
  reopen(store: CaptureStore): Promise<CaptureStore>;
  /** Test profiles: two different ones. */
  profiles: [Profile, Profile];
}

const summary = (name: string, samples: number): Omit<NodeSummary, 'uploadedAt' | 'version'> => ({
  name,
  format: 'perf-script',
  gzip: false,
  bytes: 5,
  textBytes: 5,
  lines: 1,
  samples,
  events: [{ name: 'cycles', samples }],
  startNs: 0,
  endNs: 1,
  clock: 'boot',
  hostname: null,
  warnings: 0,
  warningDetails: [],
});

const bytes = (s: string) => new TextEncoder().encode(s);

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

export function captureStoreContract(name: string, h: StoreHarness): void {
  describe(`CaptureStore contract: ${name}`, () => {
    it('creates captures with unguessable URL-safe ids and lists them newest first', async () => {
      const s = await h.open();
      const a = await s.createCapture('first');
      const b = await s.createCapture('second');
      expect(a.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(a.id).not.toBe(b.id);
      expect((await s.listCaptures(10)).map((c) => c.name)).toEqual(['second', 'first']);
      expect(await s.getCapture('AAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
      await s.close();
    });

    it('commits a node atomically: raw bytes and profile together, visible only after commit', async () => {
      const s = await h.open();
      const c = await s.createCapture('c');
      const up = await s.beginNodeUpload(c.id, 'node-a');
      await up.write(bytes('hello '));
      await up.write(bytes('world'));
      expect((await s.getCapture(c.id))?.nodes).toEqual([]);
      const saved = await up.commit(h.profiles[0], summary('node-a', h.profiles[0].samples.length));
      expect(saved.version).toBeTruthy();
      expect((await s.getCapture(c.id))?.nodes.map((n) => n.name)).toEqual(['node-a']);
      const raw = await s.openRaw(c.id, 'node-a');
      expect(raw && (await readAll(raw.stream))).toBe('hello world');
      expect((await s.getProfile(c.id, 'node-a'))?.profile.samples.length).toBe(h.profiles[0].samples.length);
      await s.close();
    });

    it('leaves nothing behind when an upload is aborted, and keeps what was stored before', async () => {
      const s = await h.open();
      const c = await s.createCapture('c');
      const first = await s.beginNodeUpload(c.id, 'n');
      await first.write(bytes('v1'));
      await first.commit(h.profiles[0], summary('n', 1));
      const second = await s.beginNodeUpload(c.id, 'n');
      await second.write(bytes('partial v2'));
      await second.abort();
      const raw = await s.openRaw(c.id, 'n');
      expect(raw && (await readAll(raw.stream))).toBe('v1');
      expect((await s.getCapture(c.id))?.nodes).toHaveLength(1);
      await s.close();
    });

    it('replaces a node on re-upload; lists nodes in natural name order', async () => {
      const s = await h.open();
      const c = await s.createCapture('c');
      for (const [node, text, p] of [
        ['n10', 'x', 0],
        ['b', 'b1', 0],
        ['n2', 'x', 0],
        ['b', 'b2', 1],
      ] as const) {
        const up = await s.beginNodeUpload(c.id, node);
        await up.write(bytes(text));
        await up.commit(h.profiles[p], summary(node, h.profiles[p].samples.length));
      }
      const got = await s.getCapture(c.id);
      expect(got?.nodes.map((n) => n.name)).toEqual(['b', 'n2', 'n10']);
      const raw = await s.openRaw(c.id, 'b');
      expect(raw && (await readAll(raw.stream))).toBe('b2');
      expect((await s.getProfile(c.id, 'b'))?.profile.samples.length).toBe(h.profiles[1].samples.length);
      await s.close();
    });

    it('survives a restart', async () => {
      const s = await h.open();
      const c = await s.createCapture('persist');
      const up = await s.beginNodeUpload(c.id, 'node.with.dots');
      await up.write(bytes('x'));
      await up.commit(h.profiles[1], summary('node.with.dots', 7));
      const again = await h.reopen(s);
      const got = await again.getCapture(c.id);
      expect(got?.name).toBe('persist');
      expect(got?.nodes[0]?.samples).toBe(7);
      expect((await again.getProfile(c.id, 'node.with.dots'))?.profile.samples.length).toBe(h.profiles[1].samples.length);
      await again.close();
    });

    it('refuses uploads to a capture that does not exist, and deletes nodes', async () => {
      const s = await h.open();
      await expect(s.beginNodeUpload('AAAAAAAAAAAAAAAAAAAAAA', 'n')).rejects.toThrow(/not found/);
      const c = await s.createCapture('c');
      const up = await s.beginNodeUpload(c.id, 'n');
      await up.commit(h.profiles[0], summary('n', 1));
      expect(await s.deleteNode(c.id, 'n')).toBe(true);
      expect(await s.deleteNode(c.id, 'n')).toBe(false);
      expect(await s.getProfile(c.id, 'n')).toBeNull();
      await s.close();
    });
  });
}
