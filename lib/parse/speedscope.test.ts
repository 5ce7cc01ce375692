/**
 * speedscope import on hand-built files whose folded stacks are worked out here by hand: an
 * evented profile (self time between open and close events) and a sampled one in one file, a
 * profile per thread; and files that lie about their indices, order or shape.
 */
import { describe, expect, it } from 'vitest';
import { chunked, firstDifference, fold, parseBytes, parseText } from '../../tests/helpers';
import { CaptureTooLargeError, parseCapture, ParseError } from './index';
import { SPEEDSCOPE_SCHEMA } from './speedscope';

const frames = [{ name: 'main' }, { name: 'parse' }, { name: 'render;draw' }];

/** In ms: main 0–6, parse 1–3, render 3–4: main's self time is 1 + 2 ms. */
const evented = {
  type: 'evented',
  name: 'UI thread',
  unit: 'milliseconds',
  startValue: 0,
  endValue: 6,
  events: [
    { type: 'O', at: 0, frame: 0 },
    { type: 'O', at: 1, frame: 1 },
    { type: 'C', at: 3, frame: 1 },
    { type: 'O', at: 3, frame: 2 },
    { type: 'C', at: 4, frame: 2 },
    { type: 'C', at: 6, frame: 0 },
  ],
};

const sampled = { type: 'sampled', name: 'worker', unit: 'none', startValue: 0, endValue: 6, samples: [[0, 1], [0], [0, 1]], weights: [1, 2, 3] };

const file = (profiles: unknown[], extra: object = {}) => JSON.stringify({ $schema: SPEEDSCOPE_SCHEMA, shared: { frames }, profiles, name: 'hand-built', exporter: 'test', ...extra }, null, 1);

describe('speedscope files', () => {
  it('evented: the time each exact stack was open, as its self weight; sampled: weights; a thread per profile', async () => {
    const r = await parseText(file([evented, sampled]), 'ui.speedscope.json');
    expect(r.format.id).toBe('speedscope');
    // ';' in a name would split a folded line: it becomes ':'.
    expect(fold(r, { event: 'time' })).toEqual(['UI_thread;main 3000000', 'UI_thread;main;parse 2000000', 'UI_thread;main;render:draw 1000000']);
    expect(fold(r, { event: 'samples' })).toEqual(['worker;main 2', 'worker;main;parse 4']);
    const p = r.profile;
    expect(p.eventTypes).toEqual([
      { name: 'time', samples: 4, weight: 6_000_000, unit: 'ns' },
      { name: 'samples', samples: 3, weight: 6, unit: 'events' },
    ]);
    // Evented samples keep their times (each interval's start); the sampled profile has none.
    const timed = [...p.samples.timeNs].filter((_, i) => p.samples.event[i] === 0);
    expect(timed).toEqual([0, 1_000_000, 3_000_000, 4_000_000]);
    expect(p.meta.untimed).toBe(true);
  });

  it('sampled with a time unit: each sample starts where the one before ended', async () => {
    const r = await parseText(file([{ ...sampled, unit: 'microseconds', startValue: 10 }]));
    expect(fold(r)).toEqual(['worker;main 2000', 'worker;main;parse 4000']);
    expect([...r.profile.samples.timeNs]).toEqual([0, 1000, 3000]);
    expect(r.profile.meta.untimed).toBeUndefined();
  });

  it('frames left open at the end close at endValue, with a warning', async () => {
    const r = await parseText(file([{ ...evented, endValue: 10, events: evented.events.slice(0, 2) }]));
    expect(fold(r)).toEqual(['UI_thread;main 1000000', 'UI_thread;main;parse 9000000']);
    expect(r.profile.meta.warnings.map((w) => w.message)).toEqual(['profiles[0]: 2 frames still open at the end, closed at endValue']);
  });

  it('reads the same in any chunking (minified or not)', async () => {
    for (const text of [file([evented, sampled]), JSON.stringify(JSON.parse(file([evented, sampled])))]) {
      const bytes = new TextEncoder().encode(text);
      const whole = await parseBytes(bytes, 'x');
      for (const n of [1, 7, 64, 4096]) {
        // chunkBytes n: the parser gets a text chunk at every line end past n bytes.
        const pieces = await parseCapture(chunked(bytes, [n]), { file: 'x', chunkBytes: n });
        expect(firstDifference(whole.profile, pieces.profile)).toBeNull();
      }
    }
  });
});

describe('hostile speedscope files', () => {
  const bad = async (text: string) => parseText(text, 'bad.json').then(
    () => null,
    (e: unknown) => e,
  );

  it('a frame index past shared.frames is a ParseError that says where', async () => {
    const err = await bad(file([{ ...sampled, samples: [[0], [0, 5]], weights: [1, 1] }]));
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).message).toBe('bad.json: speedscope profiles[0].samples[1]: frame 5 is not in shared.frames (3 frames)');
    const evt = await bad(file([{ ...evented, events: [{ type: 'O', at: 0, frame: 3 }] }]));
    expect((evt as ParseError).message).toBe('bad.json: speedscope profiles[0].events[0]: frame 3 is not in shared.frames (3 frames)');
  });

  it('events out of order, or closing a frame that is not open, are ParseErrors', async () => {
    const backwards = await bad(file([{ ...evented, events: [evented.events[0], { type: 'O', at: -1, frame: 1 }] }]));
    expect((backwards as ParseError).message).toBe('bad.json: speedscope profiles[0].events[1]: at -1 is before the previous event (0)');
    const crossed = await bad(file([{ ...evented, events: [evented.events[0], evented.events[1], { type: 'C', at: 2, frame: 0 }] }]));
    expect((crossed as ParseError).message).toBe('bad.json: speedscope profiles[0].events[2]: closes frame 0 but frame 1 is open');
  });

  it('a file of the wrong shape is a ParseError naming the field (zod), bad JSON one with the text at fault', async () => {
    const shape = await bad(file([{ ...sampled, weights: [1] }, { ...sampled, samples: [[-1]] }]));
    expect((shape as ParseError).message).toMatch(/^bad\.json: not a valid speedscope file: profiles\[0\]\.weights: samples and weights differ in length; profiles\[1\]\.samples\[0\]\[0\]: /);
    const json = await bad(`{"$schema": "${SPEEDSCOPE_SCHEMA}", "profiles": [}`);
    expect((json as ParseError).message).toMatch(/^bad\.json: speedscope file is not valid JSON: .*\[\}/);
  });

  it('is read whole only up to maxDocumentBytes', async () => {
    const bytes = new TextEncoder().encode(file([evented]));
    await expect(parseCapture(chunked(bytes, [100]), { file: 'big.json', maxDocumentBytes: 500 })).rejects.toBeInstanceOf(CaptureTooLargeError);
  });
});
