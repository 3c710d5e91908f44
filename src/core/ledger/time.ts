/**
 * Time conventions of the ledger. Every bucket, hour and window is a half-open interval `(a, b]`:
 * an instant exactly on a boundary belongs to the interval that ends there.
 */

import { HOUR_SECONDS } from '../time.js';

export { HOUR_SECONDS };

/** Index `k` of the bucket `(k·width, (k+1)·width]` that contains instant `t`. */
export function bucketIndexOf(t: number, width: number): number {
  return Math.ceil(t / width) - 1;
}

/** Start (unix seconds) of the clock hour `(start, start + 3600]` that contains instant `t`. */
export function hourStartOf(t: number): number {
  return bucketIndexOf(t, HOUR_SECONDS) * HOUR_SECONDS;
}
