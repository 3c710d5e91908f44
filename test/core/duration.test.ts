import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DurationError, formatDuration, parseDuration } from '../../src/core/duration.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30],
    ['5m', 300],
    ['1h30m', 5400],
    ['1d', 86_400],
    ['1w', 604_800],
    ['1y', 365 * 86_400],
    ['500ms', 0.5],
    ['1m500ms', 60.5],
    ['90m', 5400],
    ['0s', 0],
    ['0', 0],
    ['1y2w3d4h5m6s7ms', 365 * 86_400 + 14 * 86_400 + 3 * 86_400 + 4 * 3600 + 5 * 60 + 6 + 0.007],
  ])('reads %s as %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBeCloseTo(seconds, 9);
  });

  it.each([
    ['', '"" is not a duration: it is empty (use 30s, 5m, 1h30m)'],
    ['-5m', '"-5m" is not a duration: negative durations are not allowed'],
    ['5x', '"5x" is not a duration: unknown unit "x" (use y, w, d, h, m, s or ms)'],
    ['5M', '"5M" is not a duration: unknown unit "M" (use y, w, d, h, m, s or ms)'],
    ['30s5m', '"30s5m" is not a duration: units must go from largest to smallest (y w d h m s ms), each at most once'],
    ['5m5m', '"5m5m" is not a duration: units must go from largest to smallest (y w d h m s ms), each at most once'],
    ['1.5h', '"1.5h" is not a duration: use whole numbers (1h30m, not 1.5h)'],
    ['300', '"300" is not a duration: a unit is missing (e.g. 300s)'],
    ['1h 30m', '"1h 30m" is not a duration (use 30s, 5m, 1h30m)'],
    ['m', '"m" is not a duration (use 30s, 5m, 1h30m)'],
    ['99999999999999999999y', '"99999999999999999999y" is not a duration: it is too long'],
  ])('rejects %j with a message saying why', (text, message) => {
    expect(() => parseDuration(text)).toThrow(new DurationError(message));
  });

  it('never crashes on random text: it returns a number or throws DurationError with a message', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-z.\- ]{0,12}$/)), (text) => {
        try {
          expect(parseDuration(text)).toBeGreaterThanOrEqual(0);
        } catch (error) {
          expect(error).toBeInstanceOf(DurationError);
          expect((error as Error).message).toContain(JSON.stringify(text));
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [5400, '1h30m'],
    [0, '0s'],
    [0.5, '500ms'],
    [86_400, '1d'],
    [90 * 86_400, '90d'],
    [14 * 86_400, '2w'],
    [365 * 86_400, '1y'],
    [366 * 86_400, '366d'],
    [3600 + 0.25, '1h250ms'],
  ])('formats %d seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses to format %d', (seconds) => {
    expect(() => formatDuration(seconds)).toThrow(DurationError);
  });

  it('round-trips: parsing a formatted duration gives back the same number of milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e15 }), (ms) => {
        expect(Math.round(parseDuration(formatDuration(ms / 1000)) * 1000)).toBe(ms);
      }),
      { numRuns: 2000 },
    );
  });

  it('formats canonically: any accepted text formats to a text that formats to itself', () => {
    const part = (unit: string) => fc.option(fc.integer({ min: 0, max: 500 }).map((n) => `${n}${unit}`), { nil: '' });
    const text = fc.tuple(...['y', 'w', 'd', 'h', 'm', 's', 'ms'].map(part)).map((parts) => parts.join('')).filter((t) => t !== '');
    fc.assert(
      fc.property(text, (t) => {
        const canonical = formatDuration(parseDuration(t));
        expect(formatDuration(parseDuration(canonical))).toBe(canonical);
        expect(parseDuration(canonical)).toBe(parseDuration(t));
      }),
      { numRuns: 1000 },
    );
  });
});
