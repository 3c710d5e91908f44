import type { SeriesSamples } from '../types.js';

/**
 * Makes a target's first stored scrape a baseline when Prometheus holds nothing of that target at or
 * before the ledger's origin (a Prometheus younger than the backfill, a target newly scraped).
 *
 * The ledger counts a series first seen after the origin from 0. That is right for a pod that starts
 * while its node is observed (its counter starts at 0), but wrong for the series a target already had
 * when Prometheus first scraped it: their counters hold energy from before the observation began (days
 * of it, for a long-running Kepler). Prometheus stamps every series of one scrape with the same time,
 * so a series whose first sample is at or before its node's first sample (per schema) existed before;
 * it gets a copy of its first value at the origin, which the ledger takes as the baseline. Series that
 * appear later on a node already seen are new and count from 0. Re-reads are harmless: the ledger skips
 * samples at or before a series' newest one. Only counters: a v0.3 gauge sample holds the energy of
 * its own period.
 */
export class FirstScrapeBaseline {
  /** First sample time of each node, `schema NUL node` → unix seconds. */
  private readonly firstScrape = new Map<string, number>();

  constructor(private readonly origin: number) {}

  /** The batch with a baseline at the origin prepended to every series of a node's first scrape after the origin. */
  apply(batch: readonly SeriesSamples[]): SeriesSamples[] {
    const firstInBatch = new Map<string, number>();
    for (const s of batch) {
      const key = nodeKey(s);
      if (s.timestamps.length === 0 || this.firstScrape.has(key)) continue;
      firstInBatch.set(key, Math.min(firstInBatch.get(key) ?? Infinity, s.timestamps[0] as number));
    }
    for (const [key, t] of firstInBatch) this.firstScrape.set(key, t);
    return batch.map((s) => {
      const first = this.firstScrape.get(nodeKey(s));
      const t0 = s.timestamps[0];
      const v0 = s.values[0];
      if (first === undefined || first <= this.origin || t0 === undefined || t0 > first) return s;
      if (s.descriptor.kind !== 'counter' || v0 === undefined || !Number.isFinite(v0)) return s;
      return { descriptor: s.descriptor, timestamps: [this.origin, ...Array.from(s.timestamps)], values: [v0, ...Array.from(s.values)] };
    });
  }
}

function nodeKey(s: SeriesSamples): string {
  return `${s.descriptor.schema}\u0000${s.descriptor.node}`;
}
