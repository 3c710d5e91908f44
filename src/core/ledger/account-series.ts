import type { SeriesSamples } from '../types.js';
import { bookInterval } from './book-interval.js';
import type { ScrapeCursor } from './node-scrapes.js';
import type { ResolvedLedgerOptions } from './options.js';
import { decideProcessSumDrop } from './process-exit.js';
import type { ResetCauses } from './reset-causes.js';
import type { SeriesTable } from './series-table.js';
import { bucketIndexOf } from './time.js';

/** Counts of what happened to the samples of one ingest call. */
export interface IngestCounts {
  accepted: number;
  skipped: number;
  resets: number;
  /** Of `resets`, drops of process-sum counters that were process exits, not resets. */
  processExits: number;
  implausible: number;
  outOfOrder: number;
  malformed: number;
}

/** A zeroed {@link IngestCounts}. */
export function zeroCounts(): IngestCounts {
  return { accepted: 0, skipped: 0, resets: 0, processExits: 0, implausible: 0, outOfOrder: 0, malformed: 0 };
}

/**
 * Largest drop of a counter, relative to its value, that is read-back noise rather than a reset.
 * VictoriaMetrics stores values with about 12 significant digits and may return the same stored
 * reading a few ulps apart from one query to the next (`12023.9138387`, then `12023.913838700002`);
 * as Kepler counters often stay unchanged between scrapes, a later sample can read a hair lower than
 * the one before. A real reset starts again near 0, far below this tolerance.
 */
export const READ_BACK_NOISE = 1e-9;

/** What every series of one ingest call shares (see {@link accountSeries}). */
export interface IngestBatch {
  readonly table: SeriesTable;
  readonly options: ResolvedLedgerOptions;
  /** Counted into by every series of the batch. */
  readonly counts: IngestCounts;
  /** The watermark when the batch started. */
  readonly stale: number;
  readonly causes: ResetCauses;
}

/**
 * Accounts the samples of one series (in `slot` of the batch's `table`) and returns the time of its newest valid
 * sample in the batch (-Infinity when there is none).
 * `stale` is the watermark when the batch started: samples more than the series TTL behind it are
 * skipped, so re-reading an overlap never resurrects a series the TTL already dropped.
 *
 * Energy of a pair of valid samples, in integer microjoules:
 * counter `Math.round(d * toJoules * 1e6)` with `d = v_i − v_{i−1}` (or `v_i` after a reset), over
 * `(t_{i−1}, t_i]`; gauge `Math.round(v_i * toJoules * ((t_i − s) / samplePeriod) * 1e6)` over `(s, t_i]`,
 * where `s` is the node's previous scrape before `t_i` (from `scrapes`, see `node-scrapes.ts`; never
 * before `t_{i−1}`), so a gauge series' own silence is never booked.
 * A series' first valid sample, and the first one after a silence longer than the series TTL, starts
 * the series afresh: a baseline at or before the origin, otherwise energy counted from 0 (a counter's
 * value; a gauge's over the interval since its node's previous scrape, or over one sample period when
 * there is none or it is more than the TTL before).
 * A counter that drops is a reset (its new value counts from 0, and `causes` tells why) unless the
 * series sums running processes and the drop is a process exit (see `process-exit.ts`).
 */
export function accountSeries(batch: IngestBatch, slot: number, series: SeriesSamples, scrapes: ScrapeCursor): number {
  const { table, options: o, counts, stale, causes } = batch;
  const { descriptor, timestamps, values } = series;
  const n = timestamps.length;
  if (values.length !== n) {
    throw new Error(`invalid samples for series '${descriptor.key}': ${n} timestamps but ${values.length} values`);
  }
  const isCounter = descriptor.kind === 'counter';
  const period = descriptor.samplePeriodSeconds ?? 0;
  if (!isCounter && !(period > 0)) {
    throw new Error(`invalid descriptor for gauge series '${descriptor.key}': samplePeriodSeconds must be positive`);
  }
  const toJoules = descriptor.toJoules;
  if (!(toJoules > 0) || toJoules === Infinity) {
    throw new Error(`invalid descriptor for series '${descriptor.key}': toJoules must be positive, got ${toJoules}`);
  }
  const group = table.group[slot]!;
  const { origin, maxSeriesPowerWatts: maxWatts, bucketSeconds: width, seriesTtlSeconds: ttl } = o;
  let cursor = table.cursor[slot]!;
  let prevTime = table.prevTime[slot]!;
  let prevValue = table.prevValue[slot]!;
  let prevPower = table.prevPower[slot]!;
  const power = descriptor.dropsOnProcessExit === true ? series.power : undefined;
  let batchMax = -Infinity;
  let newest = -Infinity;

  for (let i = 0; i < n; i++) {
    const t = timestamps[i]!;
    const v = values[i]!;
    if (!Number.isFinite(t)) {
      counts.malformed++;
      continue;
    }
    if (t <= cursor || stale - t > ttl) {
      // A re-read of an overlap is skipped silently; going back in time within one batch is not.
      // Samples over the TTL behind the batch's starting watermark belong to series already dropped.
      if (t < batchMax) counts.outOfOrder++;
      else counts.skipped++;
      if (t > batchMax) batchMax = t;
      continue;
    }
    batchMax = t;
    // After a silence longer than the TTL the series starts afresh, exactly as if it had been dropped.
    if (t - cursor > ttl) prevTime = NaN;
    cursor = t;
    if (!(v >= 0) || v === Infinity) {
      counts.malformed++;
      continue;
    }
    const fresh = prevTime !== prevTime;
    if (t > newest) newest = t;

    if (fresh) {
      const joules = v * toJoules;
      if (t <= origin) {
        counts.accepted++;
      } else if (isCounter) {
        if (joules > maxWatts * Math.max(t - origin, o.newSeriesGraceSeconds)) counts.implausible++;
        else {
          counts.accepted++;
          group.book(bucketIndexOf(t, width), Math.round(joules * 1e6));
        }
      } else if (joules / period > maxWatts) {
        counts.implausible++;
      } else {
        counts.accepted++;
        const previous = scrapes.before(t);
        const span = t - previous > ttl ? period : t - previous;
        bookInterval(group, t - span, t, Math.round(joules * (span / period) * 1e6), origin, width);
      }
    } else if (isCounter) {
      let d = v - prevValue;
      if (d < 0 && -d <= prevValue * READ_BACK_NOISE) {
        // Not a reset: the same reading returned a few ulps lower (see READ_BACK_NOISE). Keep the
        // higher value as the reference so the next delta is measured from it.
        counts.accepted++;
        prevTime = t;
        continue;
      }
      if (d < 0) {
        counts.resets++;
        d = v;
        const drop = power === undefined ? undefined : decideProcessSumDrop(prevTime, prevPower, t, v, power[i]!);
        if (drop?.processExit === true) {
          causes.count('gpu_process_exit');
          counts.processExits++;
          d = drop.amount;
        } else if (descriptor.scope === 'node') causes.nodeReset(descriptor.node, t);
        else causes.seriesReset(descriptor.node, prevTime, t);
      }
      const joules = d * toJoules;
      if (joules / (t - prevTime) > maxWatts) counts.implausible++;
      else {
        counts.accepted++;
        bookInterval(group, prevTime, t, Math.round(joules * 1e6), origin, width);
      }
    } else if ((v * toJoules) / period > maxWatts) {
      counts.implausible++;
    } else {
      counts.accepted++;
      const from = Math.max(prevTime, scrapes.before(t));
      bookInterval(group, from, t, Math.round(v * toJoules * ((t - from) / period) * 1e6), origin, width);
    }
    prevTime = t;
    prevValue = v;
    if (power !== undefined) prevPower = power[i]!;
  }
  table.cursor[slot] = cursor;
  table.prevTime[slot] = prevTime;
  table.prevValue[slot] = prevValue;
  table.prevPower[slot] = prevPower;
  return newest;
}
