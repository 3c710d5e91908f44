/** Backoff settings for retried requests. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly retries: number;
  /** Backoff ceiling of the first retry; doubles per retry. */
  readonly baseDelayMs: number;
  /** Cap of every wait, including a server's `Retry-After`. */
  readonly maxDelayMs: number;
}

/**
 * Wait before retry number `retry` (0-based): "full jitter", a uniform draw in
 * `[0, min(maxDelay, base·2^retry))` using `random()` ∈ [0, 1).
 */
export function backoffDelayMs(policy: RetryPolicy, retry: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/**
 * A `Retry-After` header (delay-seconds or an HTTP date) as milliseconds from `nowMs`, capped at
 * `maxDelayMs`; undefined when absent or unparsable. Dates in the past give 0.
 */
export function retryAfterMs(header: string | undefined, nowMs: number, maxDelayMs: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (text === '') return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    // An HTTP date always names a month; Date.parse alone would read "-5" as a year.
    const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(date)) return undefined;
    ms = date - nowMs;
  }
  return Math.min(maxDelayMs, Math.max(0, Math.ceil(ms)));
}
