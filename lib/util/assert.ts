/** Throws when a value that the code's logic guarantees is present turns out missing. */
export function assertExists<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) throw new Error(`internal: ${what} is missing`);
  return value;
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`internal: ${message}`);
}
