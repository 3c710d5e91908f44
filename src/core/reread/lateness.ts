/** One series of a read, as far as lateness is concerned: its identity and its sample times (ascending). */
export interface ReadSeries {
  readonly descriptor: { readonly key: string };
  readonly timestamps: ArrayLike<number>;
}

/** What one read told about how late samples arrive and how far apart a target's scrapes are. */
export interface LatenessScan {
  /** Samples in the read (re-reads included). */
  readonly samples: number;
  /** Largest lateness of a sample seen for the first time, seconds; 0 when none was late. */
  readonly worstLateness: number;
  /** Samples seen for the first time although they are at or before `regularStart` (found only by a wide re-read). */
  readonly stragglers: number;
  /** Largest, over series with at least two samples, of the series' shortest sample spacing; undefined when none has two. */
  readonly scrapeInterval: number | undefined;
}

/**
 * Measures lateness in one read. A sample is new when it is after its series' newest accounted sample
 * (`newest`, undefined for a series never seen). A new sample at or before `previousEnd`, the end of the
 * previous read, arrived late: that read covered its time and did not return it. Its lateness is
 * `previousEnd − t`. New samples at or before `regularStart` are stragglers: a read starting there (the
 * regular re-read) would not have returned them.
 *
 * The scrape interval of a series is its shortest spacing between consecutive samples (a missed scrape
 * only widens one gap); that of the read is the largest over its series (the slowest target decides).
 */
export function scanLateness(
  series: Iterable<ReadSeries>,
  newest: (key: string) => number | undefined,
  previousEnd: number,
  regularStart: number,
): LatenessScan {
  let samples = 0;
  let worst = 0;
  let stragglers = 0;
  let interval: number | undefined;
  for (const s of series) {
    const ts = s.timestamps;
    const n = ts.length;
    samples += n;
    let shortest = Infinity;
    for (let i = 1; i < n; i++) {
      const gap = (ts[i] as number) - (ts[i - 1] as number);
      if (gap > 0 && gap < shortest) shortest = gap;
    }
    if (shortest !== Infinity && (interval === undefined || shortest > interval)) interval = shortest;
    const cursor = newest(s.descriptor.key) ?? -Infinity;
    for (let i = 0; i < n; i++) {
      const t = ts[i] as number;
      if (!(t > cursor)) continue;
      if (t > previousEnd) break;
      if (previousEnd - t > worst) worst = previousEnd - t;
      if (t <= regularStart) stragglers++;
    }
  }
  return { samples, worstLateness: worst, stragglers, scrapeInterval: interval };
}
