/**
 * When each node was scraped, for v0.3 gauges. A gauge sample holds the energy of one Kepler sample
 * period; it stands for the interval since its node's previous scrape, the newest timestamp of any gauge
 * series of the same node before it, and never for its own series' silence: a pod that is missing from
 * some scrapes, or ends and comes back under the same name (StatefulSet pods keep their names), was not
 * running meanwhile, while its node was scraped. A silence of the whole node (a scrape gap) is still
 * booked at the returning power, as nothing better is known. Sampling one Kepler period per scrape and
 * booking each sample over the scrape interval is unbiased, including pods that live and end between two
 * scrapes (the ones seen make up for them).
 *
 * The node's previous scrape comes from every batch so far: the newest timestamp per node of earlier
 * batches, and every timestamp of the current batch's gauge series of the node (series come in any
 * order, so the ledger records them all before it accounts the batch). Nodes are keyed by
 * `SeriesDescriptor.nodeKey`, so two clusters' nodes of the same name are told apart.
 *
 * Assumes one scrape timeline per node. Two timelines interleaved on one node (two Prometheus replicas
 * deduplicated series by series, e.g. by Thanos, with different scrape phases) would make each sample
 * stand for the time since the other replica's scrape, and under-count.
 */

/** Newest scrape of one node before ascending times, for the samples of one series. */
export interface ScrapeCursor {
  /**
   * The newest scrape of the node before `t` (−Infinity if none is known). Calls for one cursor must
   * come with non-decreasing `t`; each costs O(1) when the series' samples are consecutive scrapes.
   */
  before(t: number): number;
}

const NO_SCRAPE: ScrapeCursor = { before: () => -Infinity };

/** The scrape times of one node in the current batch. */
class NodeBatch {
  readonly lists: ArrayLike<number>[] = [];
  private merged: ArrayLike<number> | undefined;

  /** The batch's distinct scrape times of the node, ascending (built at the first call). */
  times(): ArrayLike<number> {
    if (this.merged === undefined) {
      const lists = [...this.lists].sort((a, b) => b.length - a.length);
      let union: ArrayLike<number> = lists[0] ?? [];
      // Series of one node share its scrape times: most lists are already inside the union.
      for (let i = 1; i < lists.length; i++) if (!isSubset(lists[i]!, union)) union = mergeDistinct(union, lists[i]!);
      this.merged = union;
    }
    return this.merged;
  }

  /** The newest scrape time of the batch (−Infinity if none). */
  newest(): number {
    let max = -Infinity;
    for (const times of this.lists) if (times.length > 0 && times[times.length - 1]! > max) max = times[times.length - 1]!;
    return max;
  }
}

/** Scrape times per node: the current batch's, and the newest one of all earlier batches. */
export class NodeScrapes {
  /** Newest gauge timestamp per node over all earlier batches. */
  private readonly newest = new Map<string, number>();
  private batch = new Map<string, NodeBatch>();

  /** Records the timestamps of a gauge series of the current batch (call for every one, before accounting any). */
  observe(node: string, timestamps: ArrayLike<number>): void {
    let b = this.batch.get(node);
    if (b === undefined) this.batch.set(node, (b = new NodeBatch()));
    b.lists.push(timestamps);
  }

  /** A cursor over the scrapes of `node` for the ascending samples of one series of the current batch. */
  cursor(node: string): ScrapeCursor {
    const b = this.batch.get(node);
    const earlier = this.newest.get(node) ?? -Infinity;
    if (b === undefined) return earlier === -Infinity ? NO_SCRAPE : { before: (t) => (earlier < t ? earlier : -Infinity) };
    const xs = b.times();
    let j = 0; // first index with xs[j] >= the last t asked for
    return {
      before(t: number): number {
        if (j < xs.length && xs[j]! < t) {
          j++;
          if (j < xs.length && xs[j]! < t) j = firstAtOrAbove(xs, t, j + 1);
        }
        const inBatch = j > 0 ? xs[j - 1]! : -Infinity;
        // A time from an earlier batch is used only if it is before t (a re-read overlap may hold later ones).
        return earlier < t && earlier > inBatch ? earlier : inBatch;
      },
    };
  }

  /**
   * Ends the batch: keeps the newest timestamp per node and forgets nodes silent for two TTLs (no sample
   * more than a TTL behind the watermark is accounted, and a previous scrape more than a TTL before a
   * series' first sample is not used, nor one before a continuing series' own previous sample).
   */
  settle(watermark: number, ttl: number): void {
    for (const [node, b] of this.batch) {
      const t = b.newest();
      if (t > (this.newest.get(node) ?? -Infinity)) this.newest.set(node, t);
    }
    for (const [node, t] of this.newest) if (watermark - t > 2 * ttl) this.newest.delete(node);
    this.batch = new Map();
  }
}

/** Whether every element of ascending `xs` is in ascending `ys`. */
function isSubset(xs: ArrayLike<number>, ys: ArrayLike<number>): boolean {
  if (xs.length === 0) return true;
  let j = firstAtOrAbove(ys, xs[0]!, 0);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    while (j < ys.length && ys[j]! < x) j++;
    if (j === ys.length || ys[j] !== x) return false;
  }
  return true;
}

/** The distinct elements of ascending `xs` and `ys`, ascending. */
function mergeDistinct(xs: ArrayLike<number>, ys: ArrayLike<number>): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < xs.length || j < ys.length) {
    const x = i < xs.length ? xs[i]! : Infinity;
    const y = j < ys.length ? ys[j]! : Infinity;
    const next = x <= y ? x : y;
    if (out.length === 0 || out[out.length - 1] !== next) out.push(next);
    if (x === next) i++;
    if (y === next) j++;
  }
  return out;
}

/** First index ≥ `from` of ascending `xs` whose element is at or above `t` (its length if none). */
function firstAtOrAbove(xs: ArrayLike<number>, t: number, from: number): number {
  let lo = from;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! >= t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
