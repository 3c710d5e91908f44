import { describe, expect, it } from 'vitest';
import { buildSnapshot, CounterBases, Ledger, RestoredHours, rollOver, type LedgerCalendar, type RestoreInput } from '../../../src/core/ledger/index.js';
import type { GroupEnergy } from '../../../src/core/types.js';
import { descriptor, samples } from './helpers.js';

const H = 3600;
const D = 86_400;
/** UTC days with ten-day "months" (days 100–109, 110–119, …). */
const calendar: LedgerCalendar = { dayOf: (hourStart) => Math.floor(hourStart / D), monthStartOf: (day) => day - (day % 10) };
const LABELS = { namespaceLabels: ['namespace'], nodeLabels: ['node'] };
/** Origin: day 108, inside the month of days 100–109; the next month starts at day 110. */
const ORIGIN = 108 * D;
const NEXT_MONTH = 110 * D;
const BASE = 1_000_000;

/** A restoring service's input: nothing restored before the origin, counter bases from a published scrape. */
function restoreInput(counters: CounterBases): RestoreInput {
  return { hours: new RestoredHours(ORIGIN, ORIGIN), firstSampleTime: ORIGIN - 1, counters };
}

/** A 1 W counter of namespace `ns` sampled every `step` s over `[from, to]` (value = joules since the origin). */
function oneWatt(ns: string, from: number, to: number, step: number): ReturnType<typeof samples> {
  const pairs: [number, number][] = [];
  for (let t = from; t <= to; t += step) pairs.push([t, t - ORIGIN]);
  return samples(descriptor(ns, { group: [ns] }), pairs);
}

const group = (groups: readonly GroupEnergy[], ns: string): GroupEnergy | undefined => groups.find((g) => g.labels[0] === ns);

/** Polls `series` into a ledger in batches of `poll` seconds, returning the snapshot after each batch. */
function poll(series: ReturnType<typeof samples>, poll: number, counters: CounterBases): { ledger: Ledger; snapshots: { at: number; namespaces: readonly GroupEnergy[] }[] } {
  const ledger = new Ledger({ origin: ORIGIN, windows: [{ label: '1h', seconds: H }], calendar });
  const ts = Array.from(series.timestamps);
  const vs = Array.from(series.values);
  const snapshots: { at: number; namespaces: readonly GroupEnergy[] }[] = [];
  for (let from = ts[0]!; from <= ts.at(-1)!; from += poll) {
    const idx = ts.flatMap((t, i) => (t >= from && t < from + poll ? [i] : []));
    ledger.ingest([{ descriptor: series.descriptor, timestamps: idx.map((i) => ts[i]!), values: idx.map((i) => vs[i]!) }]);
    snapshots.push({ at: ledger.watermark!, namespaces: buildSnapshot(ledger, LABELS, [], restoreInput(counters)).namespaces });
  }
  return { ledger, snapshots };
}

describe('counter bases: the rollover arithmetic', () => {
  it('adds each group final month energy to its base and drops a group with none in that month', () => {
    const entries = new Map([
      ['busy', { base: 10 }],
      ['quiet', { base: 5 }],
    ]);
    const finals: Record<string, number> = { busy: 2.5, quiet: 0 };
    expect(Object.fromEntries(rollOver(entries, (key) => finals[key]!))).toEqual({ busy: 12.5 });
  });
});

describe('counter bases in the snapshot of a restoring service', () => {
  it('continues the published counter across the month start: base + every joule since the origin, never decreasing', () => {
    const counters = new CounterBases();
    // The published scrape (month of day 100): counter BASE + 500 J of which 500 J month to date; plus a namespace with no energy since.
    counters.start({
      month: 100,
      groups: [
        { scope: 'namespace', labels: ['shop'], counterJoules: BASE + 500, monthToDateJoules: 500 },
        { scope: 'namespace', labels: ['idle'], counterJoules: 42, monthToDateJoules: 0 },
      ],
    });
    // 1 W from 2 h before the month start to 2 h after, polled every 45 s (samples every 20 s straddle each poll).
    const { ledger, snapshots } = poll(oneWatt('shop', NEXT_MONTH - 2 * H, NEXT_MONTH + 2 * H, 20), 45, counters);
    let previous = -Infinity;
    let crossed = false;
    for (const s of snapshots) {
      const shop = group(s.namespaces, 'shop')!;
      expect(shop.totalJoules, `at ${s.at}`).toBeGreaterThanOrEqual(previous);
      previous = shop.totalJoules;
      if (s.at > NEXT_MONTH) crossed = true;
    }
    expect(crossed).toBe(true);
    const last = snapshots.at(-1)!;
    const total = ledger.totals('namespace').find((r) => r.labels[0] === 'shop')!.joules;
    // The base of this month is BASE (500 J were before the origin's month part the ledger holds: the scrape's own).
    expect(total).toBeGreaterThan(4 * H - 100);
    expect(group(last.namespaces, 'shop')!.totalJoules).toBeCloseTo(BASE + total, 6);
    expect(group(last.namespaces, 'shop')!.periods.month_to_date! * H).toBeCloseTo(last.at - NEXT_MONTH, 6);
    // The namespace without energy in the month keeps its counter alone (no window or period series) until the month ends.
    for (const s of snapshots.filter((x) => x.at <= NEXT_MONTH)) expect(group(s.namespaces, 'idle')).toEqual({ labels: ['idle'], totalJoules: 42, windows: {}, periods: {} });
    for (const s of snapshots.filter((x) => x.at > NEXT_MONTH)) expect(group(s.namespaces, 'idle')).toBeUndefined();
  });

  it('takes the newest counter of the previous month as the base when the scrape read is of that month', () => {
    const counters = new CounterBases();
    counters.start({ month: 100, groups: [{ scope: 'namespace', labels: ['shop'], counterJoules: BASE, monthToDateJoules: 300 }] });
    const { snapshots } = poll(oneWatt('shop', NEXT_MONTH + 60, NEXT_MONTH + H, 30), 60, counters);
    const last = snapshots.at(-1)!;
    const shop = group(last.namespaces, 'shop')!;
    expect(shop.totalJoules).toBeCloseTo(BASE + shop.periods.month_to_date! * H, 6);
  });

  it('publishes no counter before the published scrape is read, nor while the watermark is before its month', () => {
    const unread = new CounterBases();
    const early = poll(oneWatt('shop', ORIGIN + 60, ORIGIN + H, 30), 600, unread).snapshots.at(-1)!;
    expect(group(early.namespaces, 'shop')!.totalJoules).toBeNaN();
    const ahead = new CounterBases();
    ahead.start({ month: 110, groups: [{ scope: 'namespace', labels: ['shop'], counterJoules: BASE, monthToDateJoules: 0 }] });
    const before = poll(oneWatt('shop', ORIGIN + 60, ORIGIN + H, 30), 600, ahead).snapshots.at(-1)!;
    expect(group(before.namespaces, 'shop')!.totalJoules).toBeNaN();
    expect(group(before.namespaces, 'shop')!.periods.month_to_date).toBeGreaterThan(0);
  });

  it('carries a namespace that left through the next month by its counter alone, then drops it', () => {
    const counters = new CounterBases();
    counters.start({ month: 100, groups: [] });
    // shop runs until an hour before the month start; other runs on, into the month of day 120.
    const shop = oneWatt('shop', ORIGIN + 60, NEXT_MONTH - H, 600);
    const other = oneWatt('other', ORIGIN + 60, 121 * D, 600);
    const ledger = new Ledger({ origin: ORIGIN, windows: [{ label: '1h', seconds: H }], calendar });
    const seen: { at: number; shop: GroupEnergy | undefined }[] = [];
    for (let from = ORIGIN; from < 121 * D; from += 3 * H) {
      const batch = [shop, other].map((s) => {
        const idx = Array.from(s.timestamps).flatMap((t, i) => (t >= from && t < from + 3 * H ? [i] : []));
        return { descriptor: s.descriptor, timestamps: idx.map((i) => s.timestamps[i]!), values: idx.map((i) => s.values[i]!) };
      });
      ledger.ingest(batch);
      seen.push({ at: ledger.watermark!, shop: group(buildSnapshot(ledger, LABELS, [], restoreInput(counters)).namespaces, 'shop') });
    }
    const final = seen.filter((s) => s.at <= NEXT_MONTH).at(-1)!.shop!.totalJoules;
    expect(final).toBeGreaterThan(D);
    const nextMonth = seen.filter((s) => s.at > NEXT_MONTH + D && s.at <= 120 * D);
    expect(nextMonth.length).toBeGreaterThan(10);
    for (const s of nextMonth) expect(s.shop, `at ${s.at}`).toEqual({ labels: ['shop'], totalJoules: final, windows: {}, periods: {} });
    const later = seen.filter((s) => s.at > 120 * D);
    expect(later.length).toBeGreaterThan(3);
    for (const s of later) expect(s.shop, `at ${s.at}`).toBeUndefined();
  });
});
