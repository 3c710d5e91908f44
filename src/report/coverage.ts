import type { SeriesSamples } from '../core/types.js';
import { HOUR_SECONDS } from '../core/time.js';

/**
 * Which clock hours of a report Prometheus holds Kepler data for, so that an hour with no data at all
 * (before Kepler was installed, beyond Prometheus' retention, in the future) is not printed as 0 Wh.
 *
 * An hour `(h, h + 1 h]` has data when a series read for the report has a sample in it or samples on
 * both sides of it: the ledger books a sample's energy over the interval since the previous one, so a
 * scrape gap inside a series' life is covered (its counters' change is split linearly across it), while
 * the time before every series' first sample and after every series' last one is not.
 */
export class SampleCoverage {
  /** First and last sample time of every series seen, by series key. */
  private readonly spans = new Map<string, { first: number; last: number }>();
  /** Starts of the hours taken whole from the service's published history (no raw samples). */
  private readonly historyHours = new Set<number>();

  /** Records an hour whose energy came from the service's published history. */
  observeHistoryHour(hourStart: number): void {
    this.historyHours.add(hourStart);
  }

  /** Records the sample times of a batch as read from Prometheus (before any baseline is added). */
  observe(batch: readonly SeriesSamples[]): void {
    for (const s of batch) {
      const n = s.timestamps.length;
      if (n === 0) continue;
      const first = s.timestamps[0]!;
      const last = s.timestamps[n - 1]!;
      const span = this.spans.get(s.descriptor.key);
      if (span === undefined) this.spans.set(s.descriptor.key, { first, last });
      else {
        if (first < span.first) span.first = first;
        if (last > span.last) span.last = last;
      }
    }
  }

  /** Whether each clock hour starting at `from`, `from + 1 h`, … before `to` has data (`from`, `to` whole hours). */
  hours(from: number, to: number): boolean[] {
    const count = Math.max(0, Math.round((to - from) / HOUR_SECONDS));
    const covered = new Array<boolean>(count).fill(false);
    for (const { first, last } of this.spans.values()) {
      // Hour k is (from + k h, from + (k + 1) h]: it has data when first ≤ its end and last > its start.
      const lo = Math.max(0, Math.ceil((first - from) / HOUR_SECONDS) - 1);
      const hi = Math.min(count - 1, Math.ceil((last - from) / HOUR_SECONDS) - 1);
      for (let k = lo; k <= hi; k++) covered[k] = true;
    }
    for (const h of this.historyHours) {
      const k = (h - from) / HOUR_SECONDS;
      if (k >= 0 && k < count) covered[k] = true;
    }
    return covered;
  }
}

/** A run of consecutive hours without data, `[from, to)`. */
export interface MissingSpan {
  readonly from: number;
  readonly to: number;
}

/** The runs of hours without data in `covered` (hour k starts at `from + k h`). */
export function missingSpans(from: number, covered: readonly boolean[]): MissingSpan[] {
  const spans: MissingSpan[] = [];
  for (let k = 0; k < covered.length; k++) {
    if (covered[k]) continue;
    const start = k;
    while (k + 1 < covered.length && !covered[k + 1]) k++;
    spans.push({ from: from + start * HOUR_SECONDS, to: from + (k + 1) * HOUR_SECONDS });
  }
  return spans;
}
