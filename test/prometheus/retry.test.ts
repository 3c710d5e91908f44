import { describe, expect, it } from 'vitest';
import { backoffDelayMs, retryAfterMs } from '../../src/prometheus/retry.js';

const policy = { retries: 5, baseDelayMs: 500, maxDelayMs: 3000 };

describe('backoffDelayMs', () => {
  it.each([
    [0, 0.5, 250],
    [1, 0.5, 500],
    [2, 0.5, 1000],
    [3, 0.5, 1500], // ceiling 4000 capped at 3000
    [9, 0.999, 2997],
    [4, 0, 0],
  ])('draws retry %i with random %f as %i ms (full jitter under a doubling, capped ceiling)', (retry, random, expected) => {
    expect(backoffDelayMs(policy, retry, () => random)).toBe(expected);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');
  it.each([
    ['2', 2000],
    ['0', 0],
    ['1.5', 1500],
    ['120', 60_000],
    ['Tue, 01 Jan 2030 00:00:30 GMT', 30_000],
    ['Mon, 31 Dec 2029 23:59:00 GMT', 0],
  ])('reads Retry-After %j as %i ms (capped at 60 s)', (header, expected) => {
    expect(retryAfterMs(header, now, 60_000)).toBe(expected);
  });

  it.each([[undefined], [''], ['soon'], ['-5']])('ignores a missing or unparsable header %j', (header) => {
    expect(retryAfterMs(header, now, 60_000)).toBeUndefined();
  });
});
