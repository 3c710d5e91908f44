import type { SeriesSamples } from '../core/types.js';

/** What {@link readInChunks} reads with and where. */
export interface ChunkedRead {
  /** Reads the ledger input of `(from, to]`. */
  readonly read: (from: number, to: number, signal: AbortSignal) => Promise<SeriesSamples[]>;
  readonly start: number;
  readonly end: number;
  /** Longest span read at once (bounds memory). */
  readonly chunkSeconds: number;
  readonly signal?: AbortSignal;
}

/**
 * The one chunked read loop of `serve` (backfill and polls), the restore and `report`: `(start, end]`
 * in chunks of at most `chunkSeconds`, oldest first, each handed to `onChunk` in order. The next chunk
 * is read while `onChunk` handles this one (two chunks in memory at most: bounded concurrency of two
 * requests). A failed read or `onChunk` cancels the prefetched read and rejects once it has settled;
 * chunks handled before stay handled.
 */
export async function readInChunks(
  { read, start, end, chunkSeconds, signal }: ChunkedRead,
  onChunk: (batch: SeriesSamples[], to: number, index: number, count: number) => Promise<void> | void,
): Promise<void> {
  const controller = new AbortController();
  const linked = signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal]);
  const count = Math.max(1, Math.ceil((end - start) / chunkSeconds));
  const bounds = (i: number): [number, number] => {
    const from = start + i * chunkSeconds;
    return [from, Math.min(end, from + chunkSeconds)];
  };
  let next: Promise<SeriesSamples[]> = read(...bounds(0), linked);
  try {
    for (let i = 0; i < count; i++) {
      const batch = await next;
      if (i + 1 < count) {
        next = read(...bounds(i + 1), linked);
        // A prefetched read that is never awaited cannot go unhandled.
        next.catch(() => undefined);
      }
      await onChunk(batch, bounds(i)[1], i, count);
    }
  } catch (error) {
    controller.abort();
    await Promise.allSettled([next]);
    throw error;
  }
}
