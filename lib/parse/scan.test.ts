import { describe, expect, it } from 'vitest';
import { allHex, decimal, fractionNs, hex, isBlank, isSymbolStart, isWordChar, SCAN, secondsNs, skipBlanks, skipSpaces, skipToBlank, trimEnd } from './scan';

describe('scan', () => {
  it('reads decimal and hex numbers in place, returning the offset after them', () => {
    expect([decimal('pid 12345/67', 4), SCAN.value]).toEqual([9, 12345]);
    expect([decimal('x', 0), SCAN.value]).toEqual([0, 0]);
    expect([hex(' ffffffff8100aBcD sym', 1), SCAN.value]).toEqual([17, 0xffffffff8100abcd]);
    expect(allHex('0x7f2e', 2, 6)).toBe(true);
    expect(allHex('0x7g2e', 2, 6)).toBe(false);
    expect(allHex('abc', 1, 1)).toBe(false);
  });

  it('turns fraction digits into exact nanoseconds, µs and ns precision alike; digits past the ninth are dropped', () => {
    expect([fractionNs('.456599:', 1), SCAN.ns]).toEqual([7, 456_599_000]);
    expect([fractionNs('.123456789', 1), SCAN.ns]).toEqual([10, 123_456_789]);
    expect([fractionNs('.1234567891234 ', 1), SCAN.ns]).toEqual([14, 123_456_789]);
    expect([fractionNs('.5', 1), SCAN.ns]).toEqual([2, 500_000_000]);
    expect([fractionNs('.:', 1), SCAN.ns]).toEqual([1, 0]);
  });

  it('reads sec.frac, and refuses a side without digits', () => {
    expect([secondsNs('  843.456599: x', 2), SCAN.value, SCAN.ns]).toEqual([12, 843, 456_599_000]);
    expect([secondsNs('1795689753.594984 ', 0), SCAN.value, SCAN.ns]).toEqual([17, 1795689753, 594_984_000]);
    expect(secondsNs('843.: x', 0)).toBe(-1);
    expect(secondsNs('.5', 0)).toBe(-1);
    expect(secondsNs('843 x', 0)).toBe(-1);
  });

  it('skips and trims blanks (spaces and tabs), or spaces only', () => {
    expect(skipBlanks(' \t x', 0)).toBe(3);
    expect(skipBlanks('   ', 0)).toBe(3);
    expect(skipSpaces('  \tx', 0)).toBe(2);
    expect(skipToBlank('abc\tdef', 0)).toBe(3);
    expect(skipToBlank('abc', 1)).toBe(3);
    expect(trimEnd('ab \t|', 0, 4)).toBe(2);
    expect(trimEnd('   ', 1, 3)).toBe(1);
  });

  it('classifies characters', () => {
    const codes = (s: string) => [...s].map((c) => c.charCodeAt(0));
    expect(codes(' \t').every(isBlank)).toBe(true);
    expect(codes('\n\r x').map(isBlank)).toEqual([false, false, true, false]);
    expect(codes('aZ09_').every(isWordChar)).toBe(true);
    expect(codes('.-( ').some(isWordChar)).toBe(false);
    expect(codes('._a9').every(isSymbolStart)).toBe(true);
    expect(codes('<-( ').some(isSymbolStart)).toBe(false);
  });
});
