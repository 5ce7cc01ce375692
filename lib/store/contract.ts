/**
 * The behaviour every CaptureStore must have. Each implementation's test file calls
 * `captureStoreContract` with a factory that opens the real store (no mocks).
 */
import { describe, expect, it } from 'vitest';
import type { Profile } from '../profile/types';
import type { CaptureStore, NewSource, SourceUpload } from './types';

export interface StoreHarness {
  /** A fresh, empty store. */
  open(): Promise<CaptureStore>;
  /** The same store again, as after a server restart. */
  reopen(store: CaptureStore): Promise<CaptureStore>;
  /** Bytes the store keeps for a capture (0 once it is deleted). */
  bytesOf(store: CaptureStore, captureId: string): Promise<number>;
  /** Test profiles: two different ones. */
  profiles: [Profile, Profile];
}

export const newSource = (name: string, samples: number, kind: NewSource['kind'] = 'perf'): NewSource => ({
  name,
  kind,
  format: 'perf-script',
  gzip: false,
  bytes: 5,
  textBytes: 5,
  lines: 1,
  samples,
  syscalls: 0,
  slices: 0,
  events: [{ name: 'cycles', samples }],
  startNs: 0,
  endNs: 1,
  clock: 'boot',
  hostname: null,
  capturedOn: null,
  warnings: 0,
  warningDetails: [],
});

const bytes = (s: string) => new TextEncoder().encode(s);

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

async function put(s: CaptureStore, captureId: string, node: string, source: string, text: string, profile: Profile): Promise<SourceUpload> {
  const up = await s.beginSourceUpload(captureId, node);
  await up.write(bytes(text));
  await up.commit(profile, newSource(source, profile.samples.length));
  return up;
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
      expect((await s.listCaptures(10, [a.id])).map((c) => c.name)).toEqual(['first']);
      expect(await s.getCapture('AAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
      await s.close();
    });

    it('commits a source atomically: raw bytes and profile together, visible only after commit', async () => {
      const s = await h.open();
      const c = await s.createCapture('c');
      const up = await s.beginSourceUpload(c.id, 'node-a');
      await up.write(bytes('hello '));
      await up.write(bytes('world'));
      expect((await s.getCapture(c.id))?.nodes).toEqual([]);
      const saved = await up.commit(h.profiles[0], newSource('perf', h.profiles[0].samples.length));
      expect([saved.node, saved.name]).toEqual(['node-a', 'perf']);
      expect(saved.version).toBeTruthy();
      expect((await s.getCapture(c.id))?.nodes.map((n) => [n.name, n.sources.map((x) => x.name)])).toEqual([['node-a', ['perf']]]);
      const raw = await s.openRaw(c.id, 'node-a', 'perf');
      expect(raw && (await readAll(raw.stream))).toBe('hello world');
      expect(raw?.bytes).toBe(11);
      expect((await s.getProfile(c.id, 'node-a', 'perf'))?.profile.samples.length).toBe(h.profiles[0].samples.length);
      await s.close();
    });

    it('keeps several sources per host, and lists hosts and sources in natural name order', async () => {
      const s = await h.open();
      const c = await s.createCapture('c');
      await put(s, c.id, 'n10', 'perf', 'x', h.profiles[0]);
      await put(s, c.id, 'n2', 'strace', 's', h.profiles[1]);
      await put(s, c.id, 'n2', 'perf', 'p', h.profiles[0]);
      const got = await s.getCapture(c.id);
      expect(got?.nodes.map((n) => `${n.name}:${n.sources.map((x) => x.name).join(',')}`)).toEqual(['n2:perf,strace', 'n10:perf']);
      expect((await s.listCaptures(5))[0]).toMatchObject({ nodeCount: 2, sourceCount: 3 });
      const strace = await s.openRaw(c.id, 'n2', 'strace');
      expect(strace && (await readAll(strace.stream))).toBe('s');
      await s.close();
    });

    it('leaves nothing behind when an upload is aborted, and keeps what was stored before', async () => {
      const s = await h.open();
      const c = await s.createCapture('c');
      await put(s, c.id, 'n', 'perf', 'v1', h.profiles[0]);
      const second = await s.beginSourceUpload(c.id, 'n');
      await second.write(bytes('partial v2'));
      await second.abort();
      const raw = await s.openRaw(c.id, 'n', 'perf');
      expect(raw && (await readAll(raw.stream))).toBe('v1');
      expect((await s.getCapture(c.id))?.nodes[0]?.sources).toHaveLength(1);
      await s.close();
    });

    it('replaces a source on re-upload', async () => {
      const s = await h.open();
      const c = await s.createCapture('c');
      await put(s, c.id, 'b', 'perf', 'b1', h.profiles[0]);
      await put(s, c.id, 'b', 'perf', 'b2', h.profiles[1]);
      const raw = await s.openRaw(c.id, 'b', 'perf');
      expect(raw && (await readAll(raw.stream))).toBe('b2');
      expect((await s.getProfile(c.id, 'b', 'perf'))?.profile.samples.length).toBe(h.profiles[1].samples.length);
      await s.close();
    });

    it('survives a restart', async () => {
      const s = await h.open();
      const c = await s.createCapture('persist');
      await put(s, c.id, 'node.with.dots', 'perf', 'x', h.profiles[1]);
      const again = await h.reopen(s);
      const got = await again.getCapture(c.id);
      expect(got?.name).toBe('persist');
      expect(got?.nodes[0]?.sources[0]?.samples).toBe(h.profiles[1].samples.length);
      expect((await again.getProfile(c.id, 'node.with.dots', 'perf'))?.profile.samples.length).toBe(h.profiles[1].samples.length);
      await again.close();
    });

    it('refuses uploads to a capture that does not exist, and deletes sources and nodes', async () => {
      const s = await h.open();
      await expect(s.beginSourceUpload('AAAAAAAAAAAAAAAAAAAAAA', 'n')).rejects.toThrow(/not found/);
      const c = await s.createCapture('c');
      await put(s, c.id, 'n', 'perf', 'p', h.profiles[0]);
      await put(s, c.id, 'n', 'strace', 's', h.profiles[1]);
      expect(await s.deleteSource(c.id, 'n', 'perf')).toBe(true);
      expect(await s.deleteSource(c.id, 'n', 'perf')).toBe(false);
      expect(await s.getProfile(c.id, 'n', 'perf')).toBeNull();
      expect((await s.getCapture(c.id))?.nodes[0]?.sources.map((x) => x.name)).toEqual(['strace']);
      expect(await s.deleteNode(c.id, 'n')).toBe(true);
      expect(await s.deleteNode(c.id, 'n')).toBe(false);
      expect((await s.getCapture(c.id))?.nodes).toEqual([]);
      await s.close();
    });

    it('renames and deletes captures; a deleted capture keeps no bytes', async () => {
      const s = await h.open();
      const c = await s.createCapture('old name');
      await put(s, c.id, 'n', 'perf', 'some bytes', h.profiles[0]);
      expect(await s.renameCapture(c.id, 'new name')).toBe(true);
      expect((await s.getCapture(c.id))?.name).toBe('new name');
      expect(await h.bytesOf(s, c.id)).toBeGreaterThan(0);
      expect(await s.deleteCapture(c.id)).toBe(true);
      expect(await s.getCapture(c.id)).toBeNull();
      expect(await s.getProfile(c.id, 'n', 'perf')).toBeNull();
      expect(await h.bytesOf(s, c.id)).toBe(0);
      expect(await s.deleteCapture(c.id)).toBe(false);
      expect(await s.renameCapture(c.id, 'x')).toBe(false);
      await s.close();
    });

    it('knows how many bytes it keeps (the quota), and frees them on delete', async () => {
      const s = await h.open();
      expect(await s.usage()).toBe(0);
      const c = await s.createCapture('c');
      await put(s, c.id, 'n', 'perf', 'x'.repeat(1000), h.profiles[0]);
      const one = await s.usage();
      expect(one).toBeGreaterThan(1000);
      await put(s, c.id, 'n', 'strace', 'y'.repeat(500), h.profiles[0]);
      expect(await s.usage()).toBeGreaterThan(one + 500);
      await put(s, c.id, 'n', 'perf', 'x'.repeat(2000), h.profiles[0]);
      expect(await s.usage()).toBeGreaterThan(one + 1500);
      await s.deleteSource(c.id, 'n', 'strace');
      await s.deleteCapture(c.id);
      expect(await s.usage()).toBe(0);
      await s.close();
    });

    it('finds captures older than a time (retention)', async () => {
      const s = await h.open();
      const c = await s.createCapture('c');
      expect(await s.capturesBefore('2000-01-01T00:00:00.000Z')).toEqual([]);
      expect(await s.capturesBefore('2999-01-01T00:00:00.000Z')).toContain(c.id);
      await s.close();
    });

    it('keeps capture-scoped tokens by hash, revokes them, and drops them with their capture', async () => {
      const s = await h.open();
      const c = await s.createCapture('c');
      const token = { id: 'tok1', captureId: c.id, createdAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-02-01T00:00:00.000Z', revoked: false };
      await s.addToken(token, 'hash-of-secret');
      expect(await s.getToken('tok1')).toEqual({ token, secretHash: 'hash-of-secret' });
      expect(await s.listTokens(c.id)).toEqual([token]);
      expect(await s.revokeToken(c.id, 'tok1')).toBe(true);
      expect((await s.getToken('tok1'))?.token.revoked).toBe(true);
      expect(await s.revokeToken('AAAAAAAAAAAAAAAAAAAAAA', 'tok1')).toBe(false);
      await s.deleteCapture(c.id);
      expect(await s.getToken('tok1')).toBeNull();
      await s.close();
    });
  });
}
