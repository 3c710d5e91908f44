import { describe, expect, it } from 'vitest';
import { concatInSlices } from '../../src/prometheus/concat-in-slices.js';

describe('concatInSlices', () => {
  it('gives the bytes of Buffer.concat and pauses between slices when over its budget', async () => {
    const chunks = Array.from({ length: 300 }, (_, i) => Buffer.alloc(1000 + (i % 7), i % 251));
    const size = chunks.reduce((n, c) => n + c.length, 0);
    let pauses = 0;
    const out = await concatInSlices(chunks, size, async () => void pauses++, 0);
    expect(out.equals(Buffer.concat(chunks))).toBe(true);
    expect(pauses).toBe(Math.floor(300 / 32));
  });

  it('does not pause within its budget, returns a lone chunk as is and rejects a wrong size', async () => {
    let pauses = 0;
    const chunks = [Buffer.from('ab'), Buffer.from('cde')];
    expect((await concatInSlices(chunks, 5, async () => void pauses++, 60_000)).toString()).toBe('abcde');
    expect(pauses).toBe(0);
    expect(await concatInSlices([chunks[1]!], 3, async () => undefined)).toBe(chunks[1]);
    await expect(concatInSlices(chunks, 6, async () => undefined)).rejects.toThrow(/5 bytes, not 6/);
  });
});
