import { PROMETHEUS_LOOKBACK_SECONDS } from '../lookback.js';

/**
 * How long a node may stay silent before the settled watermark stops waiting for it: Prometheus'
 * default lookback, longer than any sane scrape interval and than a Kepler restart.
 */
export const NODE_SILENCE_SECONDS = PROMETHEUS_LOOKBACK_SECONDS;

/**
 * The newest time up to which every active node has reported. Nodes are scraped at different moments
 * within the scrape interval, so the newest sample of any series (the high watermark) runs up to one
 * interval ahead of the other nodes' data; windows ending there, and an hour published as soon as it
 * passes, would miss that energy. A node is active while its newest sample is within
 * {@link NODE_SILENCE_SECONDS} of the high watermark, so a node that is gone or in a scrape gap
 * holds nothing back for long. A pure function of the samples, like the rest of the ledger.
 */
export class SettledWatermark {
  private readonly newest = new Map<string, number>();
  private high = -Infinity;

  /** Records that `node` has samples up to `t`. */
  observe(node: string, t: number): void {
    if (!(t > (this.newest.get(node) ?? -Infinity))) return;
    this.newest.set(node, t);
    if (t > this.high) this.high = t;
  }

  /** The newest sample time of any node (−Infinity before the first). */
  get highWatermark(): number {
    return this.high;
  }

  /** The oldest newest-sample time among active nodes (−Infinity before the first); forgets silent nodes. */
  settle(): number {
    let settled = this.high;
    for (const [node, t] of this.newest) {
      if (this.high - t > NODE_SILENCE_SECONDS) this.newest.delete(node);
      else if (t < settled) settled = t;
    }
    return settled;
  }
}
