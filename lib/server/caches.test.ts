import { describe, expect, it } from 'vitest';
import { fixtureProfile } from '../../tests/profile-fixture';
import { WeightedTrie } from '../profile/weighted-trie';
import { caches, dropCapture } from './caches';

describe('caches', () => {
  it('drops every entry of a changed capture, and only its entries', () => {
    const { profiles, tries } = caches();
    const profile = { profile: fixtureProfile(), version: 'v1' };
    const trie = { trie: new WeightedTrie(), nodes: ['a'] };
    profiles.set('CAPTUREAAAAAAAAAAAAAAA/node-a/perf@v1', profile);
    profiles.set('CAPTUREBBBBBBBBBBBBBBB/node-a/perf@v1', profile);
    tries.set('capture:CAPTUREAAAAAAAAAAAAAAA:perf:node-a/perf@v1?{}', trie);
    tries.set('source:CAPTUREAAAAAAAAAAAAAAA/node-a/perf@v1?{}|tf=rec', trie);
    tries.set('capture:CAPTUREBBBBBBBBBBBBBBB:perf:node-a/perf@v1?{}', trie);
    dropCapture('CAPTUREAAAAAAAAAAAAAAA');
    expect([...profiles.keys()]).toEqual(['CAPTUREBBBBBBBBBBBBBBB/node-a/perf@v1']);
    expect([...tries.keys()]).toEqual(['capture:CAPTUREBBBBBBBBBBBBBBB:perf:node-a/perf@v1?{}']);
  });
});
