import { setImmediate as nextTurn } from 'node:timers/promises';

/** Calls `fn(0 … n−1)`, yielding to the event loop whenever a stretch has run for `budgetMs`. */
export async function inSlices(n: number, fn: (i: number) => void, budgetMs = 10): Promise<void> {
  let since = performance.now();
  for (let i = 0; i < n; i++) {
    fn(i);
    if ((i & 255) === 255 && performance.now() - since >= budgetMs) {
      await nextTurn();
      since = performance.now();
    }
  }
}
