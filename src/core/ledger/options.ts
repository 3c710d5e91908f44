import type { LedgerCalendar } from './calendar.js';

/** Ledger configuration; every field but `origin` and `windows` has a default. */
export interface LedgerOptions {
  /** Unix seconds; only energy after it counts. Callers pass an hour-aligned value. */
  readonly origin: number;
  /** How long hour buckets are kept behind the watermark, seconds (default 48 h). */
  readonly retentionSeconds?: number;
  /** Trailing windows ending at the watermark, e.g. `{ label: '5m', seconds: 300 }`. */
  readonly windows: readonly { readonly label: string; readonly seconds: number }[];
  /** Fine bucket width, seconds (default 60); must divide 3600 and every window. */
  readonly bucketSeconds?: number;
  /** A delta implying more power than this, per series, is rejected as implausible (default 5000 W). */
  readonly maxSeriesPowerWatts?: number;
  /** Lower bound of the span a new series' first counter value may cover (default 300 s). */
  readonly newSeriesGraceSeconds?: number;
  /** Series silent for longer than this (watermark time) are dropped (default: the retention). */
  readonly seriesTtlSeconds?: number;
  /**
   * Cap on namespace-scope groups (default: none). New groups beyond it book into one overflow group
   * whose labels are all {@link OVERFLOW_LABEL_VALUE}; see `cardinality.ts`.
   */
  readonly maxNamespaces?: number;
  /** Local days (from the adapter's time zone): when set, the ledger also keeps day totals per group. */
  readonly calendar?: LedgerCalendar;
}

/** {@link LedgerOptions} with defaults applied and validated. */
export interface ResolvedLedgerOptions {
  readonly origin: number;
  readonly retentionSeconds: number;
  readonly windows: readonly { readonly label: string; readonly seconds: number }[];
  readonly bucketSeconds: number;
  readonly maxSeriesPowerWatts: number;
  readonly newSeriesGraceSeconds: number;
  readonly seriesTtlSeconds: number;
  /** Undefined when namespaces are not capped. */
  readonly maxNamespaces: number | undefined;
  /** Undefined when no day totals are kept. */
  readonly calendar: LedgerCalendar | undefined;
}

/** Label value of the overflow group that sums the namespaces beyond `maxNamespaces`. */
export const OVERFLOW_LABEL_VALUE = '__other__';

const HOUR = 3600;

/** Applies defaults and throws on a programmer error (bad window, bucket or limit). */
export function resolveLedgerOptions(options: LedgerOptions): ResolvedLedgerOptions {
  const retentionSeconds = options.retentionSeconds ?? 48 * HOUR;
  const bucketSeconds = options.bucketSeconds ?? 60;
  const maxSeriesPowerWatts = options.maxSeriesPowerWatts ?? 5000;
  const newSeriesGraceSeconds = options.newSeriesGraceSeconds ?? 300;
  const seriesTtlSeconds = options.seriesTtlSeconds ?? retentionSeconds;
  const fail = (detail: string): never => {
    throw new Error(`invalid ledger options: ${detail}`);
  };
  if (!Number.isFinite(options.origin)) fail(`origin must be a finite unix time, got ${options.origin}`);
  if (!Number.isInteger(bucketSeconds) || bucketSeconds <= 0 || HOUR % bucketSeconds !== 0) {
    fail(`bucketSeconds must be a positive integer dividing 3600, got ${bucketSeconds}`);
  }
  if (!(retentionSeconds >= HOUR) || !Number.isFinite(retentionSeconds)) {
    fail(`retentionSeconds must be at least 3600, got ${retentionSeconds}`);
  }
  if (!(maxSeriesPowerWatts > 0) || !Number.isFinite(maxSeriesPowerWatts)) {
    fail(`maxSeriesPowerWatts must be positive, got ${maxSeriesPowerWatts}`);
  }
  if (!(newSeriesGraceSeconds >= 0) || !Number.isFinite(newSeriesGraceSeconds)) {
    fail(`newSeriesGraceSeconds must be >= 0, got ${newSeriesGraceSeconds}`);
  }
  if (!(seriesTtlSeconds > 0) || !Number.isFinite(seriesTtlSeconds)) {
    fail(`seriesTtlSeconds must be positive, got ${seriesTtlSeconds}`);
  }
  const maxNamespaces = options.maxNamespaces;
  if (maxNamespaces !== undefined && !(Number.isInteger(maxNamespaces) && maxNamespaces >= 1)) {
    fail(`maxNamespaces must be a positive integer, got ${maxNamespaces}`);
  }
  if (options.windows.length === 0) fail('at least one window is required');
  const labels = new Set<string>();
  for (const w of options.windows) {
    if (w.label === '' || labels.has(w.label)) fail(`window labels must be unique and non-empty, got '${w.label}'`);
    labels.add(w.label);
    if (!Number.isInteger(w.seconds) || w.seconds <= 0 || w.seconds % bucketSeconds !== 0) {
      fail(`window '${w.label}' must be a positive multiple of bucketSeconds (${bucketSeconds}), got ${w.seconds}`);
    }
    if (w.seconds > retentionSeconds) fail(`window '${w.label}' (${w.seconds}s) exceeds retentionSeconds`);
  }
  const windows = options.windows.map((w) => Object.freeze({ label: w.label, seconds: w.seconds }));
  return Object.freeze({
    origin: options.origin,
    retentionSeconds,
    windows: Object.freeze(windows),
    bucketSeconds,
    maxSeriesPowerWatts,
    newSeriesGraceSeconds,
    seriesTtlSeconds,
    maxNamespaces,
    calendar: options.calendar,
  });
}
