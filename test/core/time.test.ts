import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TimeError, formatRfc3339Utc, hourStart, parseTime } from '../../src/core/time.js';

describe('parseTime', () => {
  it.each([
    ['2026-11-27T10:00:00Z', Date.UTC(2026, 10, 27, 10) / 1000],
    ['2026-11-27t10:00:00z', Date.UTC(2026, 10, 27, 10) / 1000],
    ['2026-11-27T11:00:00+01:00', Date.UTC(2026, 10, 27, 10) / 1000],
    ['2026-11-27T04:30:00-05:30', Date.UTC(2026, 10, 27, 10) / 1000],
    ['2026-11-27T10:00:00.250Z', Date.UTC(2026, 10, 27, 10, 0, 0, 250) / 1000],
    ['2026-11-27T10:00:00.1234567Z', Date.UTC(2026, 10, 27, 10, 0, 0, 123) / 1000],
    ['2024-02-29T23:59:59Z', Date.UTC(2024, 1, 29, 23, 59, 59) / 1000],
    ['1970-01-01T00:00:00Z', 0],
    ['1700000000', 1_700_000_000],
    ['1700000000.5', 1_700_000_000.5],
    ['0', 0],
  ])('reads %s as %d', (text, seconds) => {
    expect(parseTime(text)).toBe(seconds);
  });

  const hint = '(use RFC 3339, e.g. 2026-11-27T10:00:00Z, or unix seconds, e.g. 1700000000)';
  it.each([
    ['', `"" is not a time: it is empty ${hint}`],
    ['yesterday', `"yesterday" is not a time ${hint}`],
    ['-5', `"-5" is not a time ${hint}`],
    ['2026-11-27', `"2026-11-27" is not a time ${hint}`],
    ['2026-11-27T10:00:00', `"2026-11-27T10:00:00" is not a time ${hint}`],
    ['2026-11-27 10:00:00Z', `"2026-11-27 10:00:00Z" is not a time ${hint}`],
    ['2023-02-29T00:00:00Z', '"2023-02-29T00:00:00Z" is not a time: day 29 is out of range'],
    ['2026-13-01T00:00:00Z', '"2026-13-01T00:00:00Z" is not a time: month 13 is out of range'],
    ['2026-11-27T24:00:00Z', '"2026-11-27T24:00:00Z" is not a time: hour 24 is out of range'],
    ['2026-11-27T10:60:00Z', '"2026-11-27T10:60:00Z" is not a time: minute 60 is out of range'],
    ['2026-11-27T10:00:60Z', '"2026-11-27T10:00:60Z" is not a time: second 60 is out of range'],
    ['2026-11-27T10:00:00+24:00', '"2026-11-27T10:00:00+24:00" is not a time: offset +24:00 is out of range'],
  ])('rejects %j with a message saying why', (text, message) => {
    expect(() => parseTime(text)).toThrow(new TimeError(message));
  });

  it('agrees with Date.parse on random RFC 3339 times with offsets', () => {
    const time = fc.record({
      ms: fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2200, 0, 1) }),
      offsetMinutes: fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
    });
    fc.assert(
      fc.property(time, ({ ms, offsetMinutes }) => {
        const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 23);
        const abs = Math.abs(offsetMinutes);
        const offset = `${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
        const text = `${local}${offset}`;
        expect(parseTime(text)).toBe(Date.parse(text) / 1000);
      }),
      { numRuns: 2000 },
    );
  });

  it('never crashes on random text: it returns a number or throws TimeError with a message', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9TZ:.+-]{0,26}$/)), (text) => {
        try {
          expect(Number.isFinite(parseTime(text))).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(TimeError);
          expect((error as Error).message).toContain(JSON.stringify(text));
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatRfc3339Utc', () => {
  it.each([
    [0, '1970-01-01T00:00:00Z'],
    [1_700_000_000, '2023-11-14T22:13:20Z'],
    [1_700_000_000.5, '2023-11-14T22:13:20.5Z'],
    [1_700_000_000.125, '2023-11-14T22:13:20.125Z'],
    [Date.UTC(2024, 1, 29, 12) / 1000, '2024-02-29T12:00:00Z'],
    [-1, '1969-12-31T23:59:59Z'],
  ])('formats %d as %s', (seconds, text) => {
    expect(formatRfc3339Utc(seconds)).toBe(text);
  });

  it('agrees with Date#toISOString on whole seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_135_596_800, max: 253_402_300_799 }), (seconds) => {
        expect(formatRfc3339Utc(seconds)).toBe(new Date(seconds * 1000).toISOString().replace('.000Z', 'Z'));
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips: parsing a formatted time gives back the same millisecond', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => {
        expect(parseTime(formatRfc3339Utc(ms / 1000))).toBe(ms / 1000);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a year it cannot write with four digits', () => {
    expect(() => formatRfc3339Utc(253_402_300_800)).toThrow(TimeError);
    expect(() => formatRfc3339Utc(Number.NaN)).toThrow(TimeError);
  });
});

describe('hourStart', () => {
  it.each([
    [7199.999, 3600],
    [7200, 7200],
    [7200.001, 7200],
    [0, 0],
    [-0.5, -3600],
  ])('puts %d in the hour starting at %d', (t, start) => {
    expect(hourStart(t)).toBe(start);
  });
});
