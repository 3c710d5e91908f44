/**
 * The first sample of a new v0.3 gauge series (a pod that started since the node's previous scrape).
 * Like every later sample it stands for the interval since the node's previous scrape, not for one
 * Kepler sample period: the pod may have run for up to a scrape interval before it, and the energy
 * after a series' last sample (up to one more interval) is never seen. Sampling one Kepler period per
 * scrape and booking each sample over the scrape interval is unbiased, including pods that live and
 * end between two scrapes (the ones seen make up for them); booking the first over one period is not.
 *
 * The node's previous scrape is the newest timestamp of any gauge series of the same node before the
 * sample, taken from every batch so far, so it must wait for the end of the batch (series come in any
 * order): first samples are collected during the batch and booked by {@link FirstGaugeSamples.settle}.
 */
import type { GroupAccount } from './group-account.js';
import { bookInterval } from './book-interval.js';

/** A first sample waiting for the end of its batch. */
interface Pending {
  readonly group: GroupAccount;
  readonly node: string;
  readonly t: number;
  /** Joules of one sample period. */
  readonly joules: number;
  readonly period: number;
}

/** Collects a batch's first gauge samples and books them once the whole batch is known. */
export class FirstGaugeSamples {
  /** Newest gauge timestamp per node over all earlier batches. */
  private readonly newest = new Map<string, number>();
  /** Timestamps of the current batch's gauge series, per node. */
  private batchTimes = new Map<string, ArrayLike<number>[]>();
  private pending: Pending[] = [];

  /** Records the timestamps of a gauge series of the current batch (call for every one, first samples or not). */
  observe(node: string, timestamps: ArrayLike<number>): void {
    let lists = this.batchTimes.get(node);
    if (lists === undefined) this.batchTimes.set(node, (lists = []));
    lists.push(timestamps);
  }

  /** Defers a first sample at `t` after the origin holding `joules` per `period` seconds. */
  defer(group: GroupAccount, node: string, t: number, joules: number, period: number): void {
    this.pending.push({ group, node, t, joules, period });
  }

  /**
   * Books the batch's first samples and starts the next batch. A sample books
   * `round(joules · Δ / period · 1e6)` µJ over `(t − Δ, t]` with Δ the time since the node's previous
   * gauge scrape; when there is none, or it is more than `ttl` before `t` (the series would start
   * afresh after such a silence), Δ is one sample period. Timestamps are ascending per series (as
   * Prometheus returns them). Work per series of a node with first samples: two binary searches per
   * first sample or per sample of the series, whichever is fewer.
   */
  settle(origin: number, width: number, ttl: number, watermark: number): void {
    const byNode = new Map<string, Pending[]>();
    for (const p of this.pending) {
      const list = byNode.get(p.node);
      if (list === undefined) byNode.set(p.node, [p]);
      else list.push(p);
    }
    for (const [node, pending] of byNode) {
      pending.sort((a, b) => a.t - b.t);
      const times = pending.map((p) => p.t);
      const previous = times.map(() => -Infinity);
      for (const list of this.batchTimes.get(node) ?? []) newestBefore(list, times, previous);
      const earlier = this.newest.get(node) ?? -Infinity;
      let prev = -Infinity;
      pending.forEach((p, k) => {
        // A timestamp recorded for an earlier first sample is before every later one too.
        prev = Math.max(prev, previous[k]!, earlier < p.t ? earlier : -Infinity);
        const span = p.t - prev > ttl ? p.period : p.t - prev;
        bookInterval(p.group, p.t - span, p.t, Math.round(p.joules * (span / p.period) * 1e6), origin, width);
      });
    }
    for (const [node, lists] of this.batchTimes) {
      let max = this.newest.get(node) ?? -Infinity;
      for (const times of lists) if (times[times.length - 1]! > max) max = times[times.length - 1]!;
      this.newest.set(node, max);
    }
    // A node silent for two TTLs can never be a previous scrape again: no sample more than a TTL behind
    // the watermark is accounted, and a previous scrape more than a TTL before the sample is not used.
    for (const [node, t] of this.newest) if (watermark - t > 2 * ttl) this.newest.delete(node);
    this.pending = [];
    this.batchTimes = new Map();
  }
}

/**
 * For ascending `times` and ascending first-sample times `at`, records in `best[k]` the newest element of
 * `times` in `[at[k − 1], at[k])` if it beats `best[k]`; the newest element before `at[k]` is then the
 * maximum of `best[0..k]`. Jumps from one such element to the next: O(min(|times|, |at|) · log).
 */
function newestBefore(times: ArrayLike<number>, at: readonly number[], best: number[]): void {
  for (let i = 0; i < times.length; ) {
    const k = firstAbove(at, at.length, times[i]!);
    if (k === at.length) return;
    const j = Math.max(i, firstAtOrAbove(times, at[k]!) - 1);
    if (times[j]! > best[k]!) best[k] = times[j]!;
    i = j + 1;
  }
}

/** First index of ascending `xs` (length `n`) whose element is above `t` (`n` if none). */
function firstAbove(xs: ArrayLike<number>, n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** First index of ascending `xs` whose element is at or above `t` (its length if none). */
function firstAtOrAbove(xs: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! >= t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
