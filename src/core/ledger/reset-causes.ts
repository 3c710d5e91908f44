import { RESET_CAUSES, type ResetCause } from '../types.js';

/** A pod-level reset waiting for its node's own counters to be read past it. */
interface PendingReset {
  readonly from: number;
  readonly to: number;
}

/** Largest number of undecided resets kept; beyond it the oldest are taken as `series_restart`. */
const MAX_PENDING_RESETS = 100_000;

/**
 * Tells the causes of counter resets apart, as a pure function of the samples.
 *
 * A node-scope counter (Kepler's own node accumulators) restarts only when Kepler does: its reset is a
 * `kepler_restart`. A namespace-scope reset in `(from, to]` is a `kepler_restart` when one of its node's
 * counters reset in that interval too, else a `series_restart` (Kepler v0.10+ starts a running pod's
 * zone again at 0 by itself: new pod zones start at 0, zones are skipped while node power is 0). It is
 * decided at the end of the batch in which the node's counters have been read up to `to`, never before,
 * so any split into batches by time decides the same (a node's counters share its pods' scrapes). On a
 * node none of whose own counters has been read yet, a reset is a `series_restart` at once: its node
 * counters cannot have reset next to it without a sample in the same batch. `gpu_process_exit` is
 * decided by the series itself (see `process-exit.ts`).
 */
export class ResetCauses {
  private readonly counts: Record<ResetCause, number> = Object.fromEntries(RESET_CAUSES.map((c) => [c, 0])) as Record<ResetCause, number>;
  private readonly nodeResets = new Map<string, number[]>();
  private readonly nodeReach = new Map<string, number>();
  private readonly pending = new Map<string, PendingReset[]>();
  private pendingCount = 0;

  /** Counts a drop decided by the series itself. */
  count(cause: ResetCause): void {
    this.counts[cause]++;
  }

  /** Records a reset of a node-scope counter at `t` on `node` (a Kepler restart). */
  nodeReset(node: string, t: number): void {
    this.counts.kepler_restart++;
    const list = this.nodeResets.get(node);
    if (list === undefined) this.nodeResets.set(node, [t]);
    else list.push(t);
  }

  /** Records that the node-scope counters of `node` have been read up to `t`. */
  nodeRead(node: string, t: number): void {
    if (t > (this.nodeReach.get(node) ?? -Infinity)) this.nodeReach.set(node, t);
  }

  /** Records a reset of a namespace-scope counter in `(from, to]` on `node`, decided at {@link settle}. */
  seriesReset(node: string, from: number, to: number): void {
    const list = this.pending.get(node);
    if (list === undefined) this.pending.set(node, [{ from, to }]);
    else list.push({ from, to });
    this.pendingCount++;
  }

  /**
   * Decides every pending reset whose node has been read up to it (or has no node counters at all);
   * forgets node resets no later reset can fall next to (more than `2 · ttl` before `watermark`: a
   * counter silent for longer than the TTL starts afresh, and samples over the TTL behind a batch's start
   * are skipped). How far each node has been read is kept for good (one number per node).
   */
  settle(watermark: number, ttl: number): void {
    for (const [node, list] of this.pending) {
      const reach = this.nodeReach.get(node) ?? Infinity;
      const resets = this.nodeResets.get(node);
      const left = list.filter((p) => {
        if (p.to > reach) return true;
        const restart = resets !== undefined && resets.some((t) => t > p.from && t <= p.to);
        this.counts[restart ? 'kepler_restart' : 'series_restart']++;
        return false;
      });
      this.pendingCount -= list.length - left.length;
      if (left.length === 0) this.pending.delete(node);
      else this.pending.set(node, left);
    }
    this.bound();
    for (const [node, list] of this.nodeResets) {
      const kept = list.filter((t) => watermark - t <= 2 * ttl);
      if (kept.length === 0) this.nodeResets.delete(node);
      else this.nodeResets.set(node, kept);
    }
  }

  /** Resets by cause so far. */
  byCause(): Record<ResetCause, number> {
    return { ...this.counts };
  }

  private bound(): void {
    if (this.pendingCount <= MAX_PENDING_RESETS) return;
    const all = [...this.pending].flatMap(([node, list]) => list.map((p) => ({ node, p })));
    all.sort((a, b) => a.p.to - b.p.to);
    const drop = new Set(all.slice(0, this.pendingCount - MAX_PENDING_RESETS).map((x) => x.p));
    for (const [node, list] of this.pending) {
      const left = list.filter((p) => !drop.has(p));
      this.counts.series_restart += list.length - left.length;
      this.pendingCount -= list.length - left.length;
      if (left.length === 0) this.pending.delete(node);
      else this.pending.set(node, left);
    }
  }
}
