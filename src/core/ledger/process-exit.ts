/**
 * The drop rule of a counter that sums running processes (Kepler v0.10+ pod GPU energy: a pod adds up
 * its containers, a container its running processes, so when one process exits while others run the
 * counter falls to the survivors' lifetime energy, which is no restart and must not be counted again).
 *
 * At a drop from `(t0, p0)` to `(t1, v)` with power `w0` at `t0` and `w1` at `t1` (watts, `NaN` for
 * none exported, which Kepler does only at 0 W):
 * - the new value is no more than the energy plausible since a restart inside the interval,
 *   `max(w0, w1) · (t1 − t0)`: it is a reset and counts from 0 (all of `v`);
 * - otherwise a process exited: the survivors used about `w1 · (t1 − t0)` in the interval (Kepler's pod
 *   power is the survivors' at `t1`), and that is booked; what the exited process used after the
 *   previous scrape is never exported (the information limit).
 */
export interface DropDecision {
  /** Energy to book for the interval, in the series' raw unit. */
  readonly amount: number;
  /** Whether the drop was a process exit (not a reset). */
  readonly processExit: boolean;
}

/** Decides a drop of a process-sum counter; see the module comment. Pure. */
export function decideProcessSumDrop(t0: number, w0: number, t1: number, v: number, w1: number): DropDecision {
  const span = t1 - t0;
  const before = w0 === w0 ? w0 : 0;
  const after = w1 === w1 ? w1 : 0;
  if (v <= Math.max(before, after) * span) return { amount: v, processExit: false };
  return { amount: after * span, processExit: true };
}
