/** Size of a text exposition: what `energy_ledger_metrics_series` and `energy_ledger_metrics_bytes` report of the energy part. */

const NEWLINE = 0x0a;
const HASH = 0x23;

/** Sample lines (every line that is neither empty nor a `#` comment) in an exposition body, as text or bytes. */
export function countSamples(body: string | Uint8Array): number {
  const at = typeof body === 'string' ? (i: number) => body.charCodeAt(i) : (i: number) => body[i]!;
  let samples = 0;
  let lineStart = true;
  for (let i = 0; i < body.length; i++) {
    const c = at(i);
    if (lineStart && c !== NEWLINE && c !== HASH) samples++;
    lineStart = c === NEWLINE;
  }
  return samples;
}

/** Bytes of a body part in UTF-8. */
export const byteLength = (part: string | Uint8Array): number => (typeof part === 'string' ? Buffer.byteLength(part, 'utf8') : part.length);
