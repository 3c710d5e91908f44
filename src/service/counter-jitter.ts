import type { SeriesSamples } from '../core/types.js';

/** Largest drop, relative to the counter's value, taken as read-back noise rather than a reset. */
export const JITTER_RELATIVE = 1e-9;

/** How long a series' last value is kept after its last sample, seconds. */
const FORGET_SECONDS = 86_400;

/**
 * Removes the rounding noise some backends add to counter values before the ledger sees them.
 *
 * VictoriaMetrics stores values as decimals and may return the same float a few ulps apart
 * depending on which block it reads (e.g. `12023.9138387` once, `12023.913838700002` later). A
 * Kepler counter is often unchanged between two scrapes (its tick is longer than the scrape
 * interval), so such noise can make a later sample read lower than the one before: the ledger would
 * take that as a counter reset and count the whole value again. A drop of at most
 * {@link JITTER_RELATIVE} of the value (a real reset starts again near 0) is replaced by the
 * previous value, across batches. Samples at or before a series' newest one pass unchanged (the
 * ledger skips them). Only counters; NaN (staleness markers) passes unchanged.
 */
export class CounterJitterFilter {
  /** Newest finite sample passed on per series key: time, value. */
  private readonly last = new Map<string, [number, number]>();
  private newest = -Infinity;
  private swept = -Infinity;

  /** The batch with jittered counter drops replaced by the previous value. */
  apply(batch: readonly SeriesSamples[]): SeriesSamples[] {
    const out = batch.map((s) => (s.descriptor.kind === 'counter' ? this.filter(s) : s));
    if (this.newest - this.swept > FORGET_SECONDS / 24) this.sweep();
    return out;
  }

  private filter(s: SeriesSamples): SeriesSamples {
    const key = s.descriptor.key;
    let prev = this.last.get(key);
    let values: number[] | undefined;
    for (let i = 0; i < s.timestamps.length; i++) {
      const t = s.timestamps[i] as number;
      const v = s.values[i] as number;
      if (!Number.isFinite(t) || !Number.isFinite(v) || (prev !== undefined && t <= prev[0])) continue;
      let kept = v;
      if (prev !== undefined && v < prev[1] && prev[1] - v <= JITTER_RELATIVE * prev[1]) {
        kept = prev[1];
        values ??= Array.from(s.values);
        values[i] = kept;
      }
      prev = [t, kept];
      if (t > this.newest) this.newest = t;
    }
    if (prev !== undefined) this.last.set(key, prev);
    return values === undefined ? s : { descriptor: s.descriptor, timestamps: s.timestamps, values };
  }

  /** Forgets series silent for {@link FORGET_SECONDS} (bounded memory under pod churn). */
  private sweep(): void {
    for (const [key, [t]] of this.last) if (this.newest - t > FORGET_SECONDS) this.last.delete(key);
    this.swept = this.newest;
  }
}
