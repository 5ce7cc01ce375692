import { ProfileBuilder } from '../lib/profile/builder';
import type { Profile } from '../lib/profile/types';

/**
 * A small profile that fills every table (frames, stacks, threads, samples with a payload,
 * syscalls, sched slices), built through the builder. `lib/profile/fixtures/profile-v2.bin` is
 * this profile as the version-2 codec wrote it (before event units were stored: decoding derives
 * them); lib/profile/serialize.test.ts decodes that file and compares it with this profile.
 */
export function fixtureProfile(): Profile {
  const b = new ProfileBuilder('perf-script');
  b.setMeta({ hostname: 'node-x', arch: 'x86_64', nrcpusOnline: 2 });
  b.addHeaderEvent('cycles');
  const cycles = b.eventType('cycles', 'events');
  const tp = b.eventType('sched:sched_switch', 'samples');
  const main = b.frame('main', '/bin/app', '');
  const work = b.frame('work', '/bin/app', '');
  const read = b.frame('ksys_read', '[kernel.kallsyms]', '');
  const unk = b.frame('[unknown]', '[unknown]', '7f00dead');
  const app = b.thread('app', 10, 11);
  const db = b.thread('db worker', 20, 21);
  const s1 = b.stackFromLeafFirst([work, main], 2);
  const s2 = b.stackFromLeafFirst([read, work, main], 3);
  const s3 = b.stackFromLeafFirst([unk], 1);
  b.sample(b.relNs('boot', 100, 500), s2, app, 1, cycles, 250, 250, 0);
  b.sample(b.relNs('boot', 100, 100), s1, app, 0, cycles, 100, 100, 0);
  b.sample(b.relNs('boot', 101, 7), s3, db, 1, cycles, 0, 1, 0);
  b.sample(b.relNs('boot', 101, 9), -1, db, 0, tp, 0, 1, 1, b.strings.intern('prev_comm=db next_comm=app'));
  b.syscall(b.relNs('boot', 100, 200), 3000, app, 0, 'read', 42, '', 0);
  b.syscall(b.relNs('boot', 100, 150), NaN, db, 1, 'futex', NaN, '', 1);
  b.syscall(b.relNs('boot', 100, 900), 10, db, 1, 'openat', -2, 'ENOENT', 2);
  b.schedSwitch(b.relNs('boot', 100, 300), 0, app, 'S', db);
  b.schedSwitch(b.relNs('boot', 100, 800), 0, db, 'R', app);
  b.setLineCount(17);
  b.warn(3, 'a bad line');
  return b.build();
}
