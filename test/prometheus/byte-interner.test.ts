import { describe, expect, it } from 'vitest';
import { ByteInterner } from '../../src/prometheus/byte-interner.js';

/** Hash of `b[start, end)` as the parser computes it while scanning. */
function hashOf(b: Buffer, start: number, end: number): number {
  let h = ByteInterner.SEED;
  for (let i = start; i < end; i++) h = ByteInterner.step(h, b[i] as number);
  return h;
}

describe('ByteInterner', () => {
  it('decodes each byte range to its text, equal bytes to the same text, across table growth', () => {
    const words = Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? `ns-ü-${i}` : `pod-${i}`));
    const text = [...words, ...words].join('|');
    const b = Buffer.from(text, 'utf8');
    const interner = new ByteInterner(b);
    let start = 0;
    const got: string[] = [];
    for (let i = 0; i <= b.length; i++) {
      if (i < b.length && b[i] !== 0x7c) continue;
      const ascii = b.subarray(start, i).every((c) => c < 0x80);
      got.push(interner.get(start, i, hashOf(b, start, i), ascii));
      start = i + 1;
    }
    expect(got).toEqual([...words, ...words]);
  });

  it('tells apart ranges whose hashes collide', () => {
    const b = Buffer.from('abcabd', 'latin1');
    const interner = new ByteInterner(b);
    expect(interner.get(0, 3, 42, true)).toBe('abc');
    expect(interner.get(3, 6, 42, true)).toBe('abd');
    expect(interner.get(0, 2, 42, true)).toBe('ab');
    expect(interner.get(3, 6, 42, true)).toBe('abd');
  });
});
