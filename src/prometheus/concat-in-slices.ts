/**
 * `Buffer.concat(chunks, size)` that awaits `pause()` whenever it has copied for `budgetMs`: a
 * decompressed 50–90 MB answer arrives as thousands of 16 KiB chunks, and copying them in one go
 * blocked the event loop for 50–80 ms (fresh pages are faulted in as they are written).
 */
export async function concatInSlices(chunks: readonly Buffer[], size: number, pause: () => Promise<unknown>, budgetMs = 5): Promise<Buffer> {
  if (chunks.length === 1 && chunks[0]!.length === size) return chunks[0]!;
  const out = Buffer.allocUnsafeSlow(size);
  let offset = 0;
  let since = performance.now();
  for (let k = 0; k < chunks.length; k++) {
    const chunk = chunks[k]!;
    out.set(chunk, offset);
    offset += chunk.length;
    if ((k & 31) === 31 && performance.now() - since >= budgetMs) {
      await pause();
      since = performance.now();
    }
  }
  if (offset !== size) throw new RangeError(`concatInSlices: chunks hold ${offset} bytes, not ${size}`);
  return out;
}
