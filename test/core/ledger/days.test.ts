import { describe, expect, it } from 'vitest';
import { buildSnapshot, Ledger, type LedgerCalendar } from '../../../src/core/ledger/index.js';
import { descriptor, joulesOf, samples } from './helpers.js';

const H = 3600;
const D = 86_400;
/** A zone two hours ahead of UTC, with ten-day "months" (days 100–109, 110–119, …). */
const calendar: LedgerCalendar = {
  dayOf: (hourStart) => Math.floor((hourStart + 2 * H) / D),
  monthStartOf: (day) => day - (day % 10),
};
/** Local midnight starting day 100, the first day of a month. */
const O = 100 * D - 2 * H;
const LABELS = { namespaceLabels: ['namespace'], nodeLabels: ['node'] };

function ledger(origin = O): Ledger {
  return new Ledger({ origin, windows: [{ label: '1h', seconds: H }], calendar });
}

/** A 1 W counter (value = joules since O) sampled every `step` seconds over `[from, to]`. */
function oneWatt(key: string, from: number, to: number, step = 60): ReturnType<typeof samples> {
  const pairs: [number, number][] = [];
  for (let t = from; t <= to; t += step) pairs.push([t, t - O]);
  return samples(descriptor(key, { group: [key] }), pairs);
}

describe('ledger day totals', () => {
  it('publishes current_day, previous_day and month_to_date in watt-hours of local days', () => {
    const l = ledger();
    l.ingest([oneWatt('shop', O, O + 3 * D + 5 * H)]);
    const [shop] = buildSnapshot(l, LABELS).namespaces;
    expect(shop?.periods).toEqual({ current_hour: 1, previous_hour: 1, current_day: 5, previous_day: 24, month_to_date: 77 });
  });

  it('keeps day totals beyond the 48 h hour retention, so month_to_date covers the whole month', () => {
    const l = ledger();
    l.ingest([oneWatt('shop', O, O + 6 * D + H, 600)]);
    expect(l.hours('namespace', O, O + D)).toEqual([]);
    expect(joulesOf(l.daysEnergy('namespace', 100, 106), 'shop')).toBe(6 * D + H);
    expect(buildSnapshot(l, LABELS).namespaces[0]?.periods.month_to_date).toBe((6 * D + H) / H);
  });

  it('starts month_to_date on the first of the month and counts only after the origin', () => {
    const l = ledger(O + 12 * D);
    l.ingest([oneWatt('shop', O + 11 * D, O + 12 * D + 2 * H)]);
    // Day 112 of the month that starts on day 110: only the two hours after the origin count.
    expect(buildSnapshot(l, LABELS).namespaces[0]?.periods).toMatchObject({ current_day: 2, month_to_date: 2 });
    expect(buildSnapshot(l, LABELS).namespaces[0]?.periods).not.toHaveProperty('previous_day');
  });

  it('gives identical day totals whatever the batching', () => {
    const whole = ledger();
    const series = oneWatt('shop', O, O + 2 * D, 90);
    whole.ingest([series]);
    const split = ledger();
    const n = series.timestamps.length;
    for (const [a, b] of [[0, 7], [5, 900], [899, 1500], [1400, n]] as const) {
      split.ingest([{ ...series, timestamps: Array.from(series.timestamps).slice(a, b), values: Array.from(series.values).slice(a, b) }]);
    }
    expect(split.daysEnergy('namespace', 100, 102)).toEqual(whole.daysEnergy('namespace', 100, 102));
    expect(joulesOf(whole.daysEnergy('namespace', 101, 101), 'shop')).toBe(D);
  });

  it('keeps a silent group while a published day period (month_to_date, previous_day) holds its energy, then forgets it', () => {
    const l = ledger();
    l.ingest([oneWatt('gone', O, O + D)]);
    // A fresh series per tick, its counter starting at 0: 60 J in the minute from 00:10 of the day (past the
    // 5 minutes the settled watermark may lag, which keep the previous day's periods readable).
    const tick = (day: number, group = 'live'): void =>
      void l.ingest([samples(descriptor(`${group}-${day}`, { group: [group] }), [[O + day * D + 600, 0], [O + day * D + 660, 60]])]);
    tick(5);
    // Day 105: month_to_date (days 100–105) holds gone's day 100.
    expect(l.groups('namespace')).toEqual([['gone'], ['live']]);
    expect(l.heldDays()).toEqual({ first: 100, last: 105 });
    tick(9, 'late');
    tick(10);
    // Day 110 starts a month: only previous_day (109) and month_to_date (110) are published.
    expect(l.heldDays()).toEqual({ first: 109, last: 110 });
    expect(l.groups('namespace')).toEqual([['late'], ['live']]);
    expect(joulesOf(l.daysEnergy('namespace', 100, 170), 'live')).toBe(60);
    expect(buildSnapshot(l, LABELS).namespaces.find((g) => g.labels[0] === 'late')?.periods.previous_day).toBe(60 / H);
    tick(11);
    // Past previous_day, late is held only by its series and hours, kept for the 48 h retention.
    expect(l.groups('namespace')).toEqual([['late'], ['live']]);
    tick(12);
    expect(l.groups('namespace')).toEqual([['live']]);
    expect(joulesOf(l.daysEnergy('namespace', 100, 170), 'live')).toBe(180);
  });

  it('keeps the previous month while a node holds the settled watermark before the month start', () => {
    const l = ledger();
    l.ingest([oneWatt('gone', O, O + D)]);
    // Day 109 is the last day of the month 100–109; node-2 reports up to 23:58, node-1 already 00:02 of day 110.
    const lastDay = O + 9 * D;
    const at = (node: string, key: string, from: number, to: number) =>
      samples(descriptor(key, { group: ['live'], node }), [[from, 0], [to, to - from]]);
    l.ingest([at('node-1', 'a', lastDay, lastDay + D + 120), at('node-2', 'b', lastDay, lastDay + D - 120)]);
    expect(l.heldDays()).toEqual({ first: 100, last: 109 });
    const gone = buildSnapshot(l, LABELS).namespaces.find((g) => g.labels[0] === 'gone');
    expect(gone?.periods.month_to_date).toBe(D / H);
  });

  it('refuses day queries on a ledger built without a calendar', () => {
    const l = new Ledger({ origin: O, windows: [{ label: '1h', seconds: H }] });
    expect(() => l.heldDays()).toThrow('pass a calendar');
  });
});
