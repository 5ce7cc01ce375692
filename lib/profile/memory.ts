import { tableBytes, type Schema } from './table';
import { PROFILE_TABLES, type Profile, type ProfileTableName } from './types';

/** Per-string cost besides its characters: V8's string header and the array slot pointing at it. */
export const STRING_OVERHEAD_BYTES = 32;
/** Per-event-type cost besides its name (an object of four fields). */
const EVENT_TYPE_BYTES = 64;

/** Estimated bytes of strings held in memory: 2 per character plus a fixed overhead each. */
export function stringBytes(strings: readonly string[]): number {
  let n = 0;
  for (const s of strings) n += 2 * s.length + STRING_OVERHEAD_BYTES;
  return n;
}

/** Bytes of every column of every table of the profile (as declared in PROFILE_TABLES). */
export function columnBytes(p: Profile): number {
  let n = 0;
  for (const [name, schema] of Object.entries(PROFILE_TABLES) as [ProfileTableName, Schema][]) n += tableBytes(schema, p[name]);
  return n;
}

/** Estimated bytes of the meta data and event types (their JSON text, as strings). */
export function metaBytes(p: Profile): number {
  let n = stringBytes([JSON.stringify(p.meta)]);
  for (const e of p.eventTypes) n += stringBytes([e.name]) + EVENT_TYPE_BYTES;
  return n;
}

/**
 * What a profile costs in memory, for the cache's byte budget: its columns exactly, its strings
 * and meta data estimated. (A decoded profile's columns are views on the file's buffer, which
 * also holds the JSON header: that is counted as strings, once.)
 */
export function profileBytes(p: Profile): number {
  return columnBytes(p) + stringBytes(p.strings) + metaBytes(p);
}
