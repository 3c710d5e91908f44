import type { GroupAccount } from './group-account.js';

/**
 * Books `microJoules` (a non-negative integer) spread linearly in time over `(x, y]`, keeping only the
 * part after `origin`, into fine buckets of `width` seconds.
 *
 * Telescoping rounding: with `F(c) = (c − x) / (y − x)`, the piece for `(a, b]` is
 * `round(D·F(b)) − round(D·F(a))`, so the pieces are integers that add up exactly to
 * `D − round(D·F(max(x, origin)))` (all of `D` when `x >= origin`), and the result depends only on
 * `(x, y, D)`, never on how the samples were batched.
 */
export function bookInterval(
  group: GroupAccount,
  x: number,
  y: number,
  microJoules: number,
  origin: number,
  width: number,
): void {
  if (microJoules === 0 || y <= origin) return;
  const span = y - x;
  let booked = 0;
  let from = x;
  if (x < origin) {
    from = origin;
    booked = Math.round(microJoules * ((origin - x) / span));
  }
  let k = Math.floor(from / width);
  const last = Math.ceil(y / width) - 1;
  for (; k < last; k++) {
    const cumulative = Math.round(microJoules * (((k + 1) * width - x) / span));
    group.book(k, cumulative - booked);
    booked = cumulative;
  }
  group.book(last, microJoules - booked);
}
