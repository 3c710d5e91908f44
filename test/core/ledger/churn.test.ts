/**
 * Namespace churn through the ledger: many short-lived namespaces a day over more than a month. Published
 * numbers do not depend on when groups are compacted or forgotten (hour-by-hour and day-by-day batches agree
 * with an exact model), and the ledger holds only the groups that a window, hour or published day period
 * still reads.
 */
import { describe, expect, it } from 'vitest';
import { buildSnapshot, Ledger, type LedgerCalendar } from '../../../src/core/ledger/index.js';
import type { SeriesSamples } from '../../../src/core/types.js';
import { descriptor } from './helpers.js';

const H = 3600;
const D = 86_400;
/** UTC days; ten-day "months" (days 100–109, 110–119, …) so a short run crosses month ends. */
const calendar: LedgerCalendar = { dayOf: (hourStart) => Math.floor(hourStart / D), monthStartOf: (day) => day - (day % 10) };
const O = 100 * D;
const DAYS = 25;
const PER_DAY = 12;
const LIFE = 1800;
const STEP = 60;
const LABELS = { namespaceLabels: ['namespace'], nodeLabels: ['node'] };

interface Job {
  readonly name: string;
  readonly start: number;
  /** Joules per step (whole joules: bookings stay inside one 60 s bucket, so day totals are exact sums). */
  readonly perStep: number;
}

const jobs: Job[] = [];
for (let d = 0; d < DAYS; d++) {
  for (let j = 0; j < PER_DAY; j++) jobs.push({ name: `ci-${d}-${j}`, start: O + d * D + ((j * 7919) % (D - LIFE - STEP)) - (((j * 7919) % (D - LIFE - STEP)) % STEP) + STEP, perStep: 1 + ((d * 31 + j) % 17) });
}

/** Samples of every job with times in `(from, to]`, plus a long-lived namespace. */
function batch(from: number, to: number): SeriesSamples[] {
  const out: SeriesSamples[] = [];
  for (const job of jobs) {
    const end = job.start + LIFE;
    if (end <= from || job.start > to) continue;
    const timestamps: number[] = [];
    const values: number[] = [];
    for (let t = job.start; t <= end; t += STEP) {
      if (t > from && t <= to) {
        timestamps.push(t);
        values.push(((t - job.start) / STEP) * job.perStep);
      }
    }
    if (timestamps.length > 0) out.push({ descriptor: descriptor(job.name, { group: [job.name] }), timestamps, values });
  }
  const timestamps: number[] = [];
  for (let t = Math.floor(from / STEP) * STEP + STEP; t <= to; t += STEP) if (t >= O) timestamps.push(t);
  out.push({ descriptor: descriptor('steady', { group: ['steady'] }), timestamps, values: timestamps.map((t) => (t - O) / STEP) });
  return out;
}

/** Exact joules of a job in the UTC day `day` (deltas belong to the day of their end time). */
function jobDayJoules(job: Job, day: number): number {
  let j = 0;
  for (let t = job.start + STEP; t <= job.start + LIFE; t += STEP) if (Math.floor((t - 1) / D) === day) j += job.perStep;
  return j;
}

function ledger(): Ledger {
  return new Ledger({ origin: O - H, windows: [{ label: '5m', seconds: 300 }, { label: '1h', seconds: H }, { label: '24h', seconds: D }], calendar });
}

describe('ledger under namespace churn', () => {
  it('publishes the same numbers however it is batched, equal to the exact day totals, and holds only groups still published', () => {
    const hourly = ledger();
    const daily = ledger();
    for (let day = 0; day < DAYS; day++) {
      for (let h = 0; h < 24; h++) hourly.ingest(batch(O + day * D + h * H - H, O + day * D + (h + 1) * H - H));
      daily.ingest(batch(O + day * D - H - D, O + (day + 1) * D - H));
      // At 23:00 of each day both have read the same samples.
      const a = buildSnapshot(hourly, LABELS);
      expect(buildSnapshot(daily, LABELS)).toEqual(a);
      const today = 100 + day;
      const monthStart = today - (today % 10);
      for (const g of a.namespaces) {
        const job = jobs.find((j) => j.name === g.labels[0]);
        if (job === undefined) continue;
        let mtd = 0;
        for (let d = monthStart; d <= today; d++) mtd += jobDayJoules(job, d);
        expect(g.periods.month_to_date, job.name).toBe(mtd / H);
        expect(g.periods.current_day, job.name).toBe(jobDayJoules(job, today) / H);
        if (g.periods.previous_day !== undefined) expect(g.periods.previous_day, job.name).toBe(jobDayJoules(job, today - 1) / H);
      }
      // Held: the namespaces with energy in a published day period or inside the 48 h retention.
      const wm = hourly.watermark!;
      const oldestDay = Math.min(monthStart, today - 1);
      const held = jobs
        .filter((j) => j.start + STEP <= wm && (j.start + LIFE > wm - 48 * H - H || Math.floor((j.start + LIFE - 1) / D) >= oldestDay))
        .map((j) => j.name);
      expect(hourly.groups('namespace').map((l) => l[0]).sort()).toEqual([...held, 'steady'].sort());
    }
    // More than a month of churn: at most one month's namespaces and the retention's are held.
    expect(hourly.groups('namespace').length).toBeLessThanOrEqual(10 * PER_DAY + 3 * PER_DAY + 1);
  });
});
