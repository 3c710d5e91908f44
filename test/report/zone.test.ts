import { describe, expect, it } from 'vitest';
import { dayBoundaries, dayStart, startOfDay, startOfMonth, zoneOffsetSeconds } from '../../src/calendar/zone.js';

const utc = (text: string): number => Date.parse(text) / 1000;

describe('calendar zone arithmetic', () => {
  it('reads offsets from Intl, including half-hour zones and daylight saving time', () => {
    expect(zoneOffsetSeconds('Asia/Kolkata', utc('2026-11-27T12:00:00Z'))).toBe(5.5 * 3600);
    expect(zoneOffsetSeconds('Europe/Paris', utc('2026-01-15T12:00:00Z'))).toBe(3600);
    expect(zoneOffsetSeconds('Europe/Paris', utc('2026-07-15T12:00:00Z'))).toBe(7200);
    expect(zoneOffsetSeconds('America/New_York', utc('2026-07-15T12:00:00Z'))).toBe(-4 * 3600);
    expect(zoneOffsetSeconds('UTC', utc('2026-07-15T12:00:00Z'))).toBe(0);
  });

  it('puts a whole-hour zone day start exactly on local midnight, across a DST change', () => {
    expect(dayStart('America/New_York', 2026, 3, 8)).toBe(utc('2026-03-08T05:00:00Z'));
    expect(dayStart('America/New_York', 2026, 3, 9)).toBe(utc('2026-03-09T04:00:00Z'));
    expect(dayStart('Europe/Paris', 2026, 12, 32)).toBe(utc('2026-12-31T23:00:00Z'));
  });

  it('floors a half-hour zone day start to the UTC hour containing local midnight', () => {
    // 2026-11-27 00:00 in Kolkata is 2026-11-26 18:30 UTC.
    expect(dayStart('Asia/Kolkata', 2026, 11, 27)).toBe(utc('2026-11-26T18:00:00Z'));
    // 18:15 UTC is 23:45 local on the 26th, but its ledger hour already belongs to the 27th.
    expect(startOfDay('Asia/Kolkata', utc('2026-11-26T18:15:00Z'))).toBe(utc('2026-11-26T18:00:00Z'));
    expect(startOfDay('Asia/Kolkata', utc('2026-11-26T17:59:00Z'))).toBe(utc('2026-11-25T18:00:00Z'));
  });

  it('finds the month start in the zone, not in UTC', () => {
    // 2026-12-01T02:00Z is still November in New York.
    expect(startOfMonth('America/New_York', utc('2026-12-01T02:00:00Z'))).toBe(utc('2026-11-01T04:00:00Z'));
    expect(startOfMonth('Asia/Tokyo', utc('2026-11-30T16:00:00Z'))).toBe(utc('2026-11-30T15:00:00Z'));
  });

  it('splits a range into local days, with a 25-hour day when Paris leaves summer time', () => {
    const b = dayBoundaries('Europe/Paris', utc('2026-10-23T22:00:00Z'), utc('2026-10-26T23:00:00Z'));
    expect(b).toEqual([utc('2026-10-23T22:00:00Z'), utc('2026-10-24T22:00:00Z'), utc('2026-10-25T23:00:00Z'), utc('2026-10-26T23:00:00Z')]);
  });
});

describe('ledgerCalendar', () => {
  it('numbers local days since 1970 and finds the first of the month, also in a half-hour zone', async () => {
    const { ledgerCalendar } = await import('../../src/calendar/ledger-calendar.js');
    const kolkata = ledgerCalendar('Asia/Kolkata');
    const nov27 = Date.UTC(2026, 10, 27) / 86_400_000;
    // The hour 18:00–19:00 UTC on the 26th holds Kolkata's midnight: it is the first hour of the 27th.
    expect(kolkata.dayOf(utc('2026-11-26T18:00:00Z'))).toBe(nov27);
    expect(kolkata.dayOf(utc('2026-11-26T17:00:00Z'))).toBe(nov27 - 1);
    expect(kolkata.monthStartOf(nov27)).toBe(Date.UTC(2026, 10, 1) / 86_400_000);
    const ny = ledgerCalendar('America/New_York');
    expect(ny.dayOf(utc('2026-12-01T04:00:00Z'))).toBe(Date.UTC(2026, 10, 30) / 86_400_000);
    expect(ny.dayOf(utc('2026-12-01T05:00:00Z'))).toBe(Date.UTC(2026, 11, 1) / 86_400_000);
  });
});
