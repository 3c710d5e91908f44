import { earliestSampleTime, type LedgerCalendar, NO_PUBLISHED_COUNTERS, type PublishedCounters, RestoredHours } from '../core/ledger/index.js';
import { groupKeyOf } from '../core/schema/key-codec.js';
import {
  allocateNodeEnergy,
  type LabeledValue,
  publishedHourPerNode,
  UNATTRIBUTED_LABEL_VALUE,
  type UnattributedMode,
} from '../core/ledger/unattributed.js';
import type { Scope } from '../core/types.js';
import type { PollErrorReason } from '../exposition/names.js';
import type { ServiceMetrics } from '../exposition/service-metrics.js';
import type { Logger } from '../log.js';
import { PrometheusError } from '../prometheus/errors.js';
import { HourReader } from '../read/hour-reader.js';
import { readPublishedCounters } from '../read/published-counters.js';
import { readPublishedHour, type PublishedHistoryOptions, type PublishedHourRow } from '../read/published-history.js';
import type { KeplerReader } from '../read/kepler-reader.js';
import type { RestoreState } from './restore-state.js';

/** Options of {@link restoreHours}. */
export interface RestoreOptions {
  /** A reader of its own (reads of the past must not change what the poller's reader knows). */
  readonly reader: KeplerReader;
  readonly state: RestoreState;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  /** Start of the oldest published period (hour-aligned). */
  readonly from: number;
  /** The live ledger's origin: hours before it are restored. */
  readonly to: number;
  /** Prometheus' lookback: how far around `[from, to]` samples are read. */
  readonly lookbackSeconds: number;
  readonly chunkSeconds: number;
  readonly maxSeriesPowerWatts: number;
  /** Wall clock, unix seconds. */
  readonly now: () => number;
  /** Wait after a failed read before it is retried, seconds. */
  readonly retrySeconds: number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Where the service's own published hours are read back, for hours whose raw samples are gone; none: raw only. */
  readonly history?: PublishedHistoryOptions;
  /** With `unattributed` on: the split ledger's hours (namespace groups per node) are restored too (`state.perNode`). */
  readonly unattributed?: Exclude<UnattributedMode, 'off'>;
  /** Local months of the counters' bases, read back from `history` (none: no calendar, or no history: every base is 0). */
  readonly calendar?: LedgerCalendar;
}

/**
 * The start-up restore: reads the raw Kepler samples of the hours `[from, to)` (before the live
 * ledger's origin) in the background, in chunks of bounded concurrency, logging and publishing its
 * progress; a failed read is logged, counted and retried from where it stopped. Completes `state`
 * with one hourly total per group (never per series); resolves early, incomplete, when `signal` aborts.
 */
export async function restoreHours(o: RestoreOptions, signal: AbortSignal): Promise<void> {
  const { state, metrics, logger, from, to } = o;
  const started = o.now();
  if (from >= to) {
    const counters = await readCounters(o, signal);
    if (counters === undefined) return;
    state.finish(new RestoredHours(to, to), { counters, perNode: o.unattributed === undefined ? undefined : new RestoredHours(to, to) });
    metrics.setRestoreProgress(1);
    return;
  }
  logger.info({ from: new Date(from * 1000).toISOString(), to: new Date(to * 1000).toISOString() }, 'restoring the hours before the backfill');
  let firstRaw: number | undefined;
  const reader = new HourReader({
    read: (a, b, linked) => o.reader.read(a, b, linked),
    from,
    to,
    edgeSeconds: o.lookbackSeconds,
    chunkSeconds: o.chunkSeconds,
    maxSeriesPowerWatts: o.maxSeriesPowerWatts,
    ...(o.unattributed !== undefined && { perNode: true }),
    onChunk: (batch, done) => {
      state.noteSamples(batch);
      const t = earliestSampleTime(batch);
      if (t !== undefined && !(firstRaw !== undefined && firstRaw <= t)) firstRaw = t;
      state.progress = Math.min(done, 0.999);
      metrics.setRestoreProgress(state.progress);
      logger.info({ progress: Math.round(done * 1000) / 1000 }, 'restore progress');
    },
  });
  while (!reader.done) {
    if ((await untilRead(o, signal, 'restore read failed; retrying from where it stopped', () => reader.read(signal))) === undefined) return;
  }
  const hours = RestoredHours.fromLedger(reader.ledger, from, to);
  const perNode = reader.perNode === undefined ? undefined : RestoredHours.fromLedger(reader.perNode, from, to);
  if (o.history !== undefined) {
    const earliest = await fillFromHistory(
      {
        history: o.history,
        hours,
        ...(perNode !== undefined && o.unattributed !== undefined && { perNode: { hours: perNode, mode: o.unattributed } }),
        firstRaw,
        logger,
        onMismatch: () => metrics.countHistoryMismatch(),
        onError: (reason) => metrics.countRestoreError(reason),
        sleep: o.sleep,
        retrySeconds: o.retrySeconds,
      },
      signal,
    );
    if (signal.aborted) return;
    if (earliest !== undefined) state.noteTime(earliest);
  }
  const counters = await readCounters(o, signal);
  if (counters === undefined) return;
  state.finish(hours, { counters, perNode });
  metrics.setRestoreProgress(1);
  logger.info({ seconds: o.now() - started, namespaces: hours.groups('namespace').length }, 'restore complete');
}

/**
 * `read`, again after `o.retrySeconds` for as long as it fails (each failure counted in
 * `energy_ledger_restore_errors_total` and logged with `message`); undefined when `signal` aborts first.
 */
async function untilRead<T>(o: RestoreOptions, signal: AbortSignal, message: string, read: () => Promise<T>): Promise<{ value: T } | undefined> {
  while (!signal.aborted) {
    try {
      return { value: await read() };
    } catch (error) {
      if (signal.aborted) break;
      const reason = error instanceof PrometheusError ? error.reason : 'bad_response';
      o.metrics.countRestoreError(reason);
      o.logger.warn({ reason, err: error instanceof Error ? error.message : String(error) }, message);
      await o.sleep(o.retrySeconds * 1000, signal);
    }
  }
  return undefined;
}

/** The newest published scrape of the counters (their bases), read like the restore's other reads. Undefined when `signal` aborts first. */
async function readCounters(o: RestoreOptions, signal: AbortSignal): Promise<PublishedCounters | undefined> {
  const { history, calendar } = o;
  if (history === undefined || calendar === undefined) return NO_PUBLISHED_COUNTERS;
  const started = o.now();
  const read = await untilRead(o, signal, 'reading the published counters failed; retrying', () => readPublishedCounters(history, calendar, o.now(), signal));
  if (read !== undefined) o.logger.info({ groups: read.value.groups.length, seconds: o.now() - started }, 'counter bases read from the published counters');
  return read?.value;
}

/** What {@link fillFromHistory} fills and how it reports. */
export interface HistoryFill {
  readonly history: PublishedHistoryOptions;
  /** The hours restored from raw samples; hours they do not cover whole are filled in place. */
  readonly hours: RestoredHours;
  /**
   * With `unattributed` on, the split ledger's restored hours: the history holds the allocated values,
   * which are compared with the allocation of these and, where taken, booked on a stand-in node (see
   * `publishedHourPerNode`); the main hours (counters) then take them without `__unattributed__`.
   */
  readonly perNode?: { readonly hours: RestoredHours; readonly mode: Exclude<UnattributedMode, 'off'> };
  /** Earliest raw sample read (undefined: none). */
  readonly firstRaw: number | undefined;
  readonly logger: Logger;
  readonly onMismatch: () => void;
  readonly onError: (reason: PollErrorReason) => void;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly retrySeconds: number;
  /** Told the start of every hour taken from the history (report coverage). */
  readonly onTaken?: (hourStart: number) => void;
  /** Whether hours the raw samples cover are read too, to check them (default true; a one-shot report skips them). */
  readonly compareWithRaw?: boolean;
  /** Reads of one hour before its failure is thrown (default: retried until aborted, as `serve` does). */
  readonly attempts?: number;
}

/** Hours of history read at once. */
const HISTORY_CONCURRENCY = 4;

/**
 * Reads the service's own published hours of `[hours.firstHour, hours.endHour)` back from Prometheus. An
 * hour the raw samples do not cover whole (before the first raw sample) takes the published values; an hour
 * both cover is compared (a mismatch is logged and counted; raw wins). Returns the start of the earliest
 * hour taken from the history. A failed read is counted and retried (up to `attempts`, then thrown).
 */
export async function fillFromHistory(o: HistoryFill, signal: AbortSignal): Promise<number | undefined> {
  const { history, hours, firstRaw } = o;
  const starts: number[] = [];
  for (let h = hours.firstHour; h < hours.endHour; h++) starts.push(h * 3600);
  let earliest: number | undefined;
  let taken = 0;
  let compared = 0;
  let mismatched = 0;
  const compare = o.compareWithRaw ?? true;
  const attempts = o.attempts ?? Infinity;
  const one = async (hourStart: number): Promise<void> => {
    if (!compare && firstRaw !== undefined && firstRaw <= hourStart) return;
    for (let attempt = 1; ; attempt++) {
      try {
        const rows = await readPublishedHour(history, hourStart, signal);
        if (rows === undefined) return;
        if (firstRaw !== undefined && firstRaw <= hourStart) {
          compared++;
          const differing = differences(expectedOfHour(o, hourStart), rows);
          if (differing.length > 0) {
            mismatched++;
            o.onMismatch();
            o.logger.warn({ hour: new Date(hourStart * 1000).toISOString(), groups: differing.slice(0, 5) }, 'published history differs from the raw samples of this hour; the raw samples win');
          }
          return;
        }
        takeHour(o, hourStart, rows);
        taken++;
        o.onTaken?.(hourStart);
        if (earliest === undefined || hourStart < earliest) earliest = hourStart;
        return;
      } catch (error) {
        if (signal.aborted) return;
        o.onError(error instanceof PrometheusError ? error.reason : 'bad_response');
        if (attempt >= attempts) throw error;
        o.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'reading the published history failed; retrying');
        await o.sleep(o.retrySeconds * 1000, signal);
        if (signal.aborted) return;
      }
    }
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < starts.length && !signal.aborted) await one(starts[next++]!);
  };
  await Promise.all(Array.from({ length: HISTORY_CONCURRENCY }, worker));
  o.logger.info({ taken, compared, mismatched }, 'published history read');
  return earliest;
}

/** Books the published rows of one hour into the restored hours, in place of what the raw samples gave. */
function takeHour(o: HistoryFill, hourStart: number, rows: readonly PublishedHourRow[]): void {
  const { hours, perNode } = o;
  const nsIndex = o.history.namespaceLabels.indexOf('namespace');
  const allocated = (r: PublishedHourRow) => perNode !== undefined && r.scope === 'namespace' && r.labels[nsIndex] === UNATTRIBUTED_LABEL_VALUE;
  // A scope the history holds nothing of (not scraped, or filtered by relabeling) keeps what the raw samples gave.
  const scopes = new Set(rows.map((r) => r.scope));
  for (const scope of scopes) for (const g of hours.groups(scope)) hours.set(scope, g.labels, hourStart, 0);
  for (const r of rows) if (!allocated(r)) hours.set(r.scope, r.labels, hourStart, r.microJoules);
  if (perNode === undefined || !scopes.has('namespace')) return;
  for (const scope of ['namespace', 'node'] as const) for (const g of perNode.hours.groups(scope)) perNode.hours.set(scope, g.labels, hourStart, 0);
  const namespaces = rows.filter((r) => r.scope === 'namespace').map((r) => ({ labels: r.labels, value: r.microJoules }));
  const split = publishedHourPerNode(o.history, namespaces);
  for (const v of split.perNamespaceNode) perNode.hours.set('namespace', v.labels, hourStart, v.value);
  for (const v of split.perNode) perNode.hours.set('node', v.labels, hourStart, v.value);
}

/** What the service published for one hour, by scope and group key, µJ: the restored hours, allocated with `unattributed` on. */
function expectedOfHour(o: HistoryFill, hourStart: number): (scope: Scope) => Map<string, LabeledValue> {
  const values = (table: RestoredHours, scope: Scope): LabeledValue[] =>
    table.groups(scope).map((g) => ({ labels: g.labels, value: table.hourMicroJoules(scope, g.key, hourStart) }));
  return (scope) => {
    const { perNode } = o;
    if (scope === 'namespace' && perNode !== undefined) {
      return allocateNodeEnergy(perNode.mode, o.history, values(perNode.hours, 'namespace'), values(perNode.hours, 'node'));
    }
    return new Map(values(o.hours, scope).map((v) => [groupKeyOf(v.labels), v]));
  };
}

/** Groups whose published energy of the hour differs from the expected one by more than 1 µJ (in the scopes the history holds). */
function differences(expected: (scope: Scope) => ReadonlyMap<string, LabeledValue>, rows: readonly PublishedHourRow[]): string[] {
  const out: string[] = [];
  const published = new Map<string, { scope: Scope; labels: readonly string[]; microJoules: number }>();
  for (const r of rows) published.set(`${r.scope}\u0000${groupKeyOf(r.labels)}`, r);
  for (const scope of new Set(rows.map((r) => r.scope))) {
    const want = expected(scope);
    for (const [key, v] of want) if (!published.has(`${scope}\u0000${key}`)) published.set(`${scope}\u0000${key}`, { scope, labels: v.labels, microJoules: 0 });
    for (const p of published.values()) {
      if (p.scope === scope && Math.abs((want.get(groupKeyOf(p.labels))?.value ?? 0) - p.microJoules) > 1) out.push(`${p.scope} ${p.labels.join(',')}`);
    }
  }
  return out;
}
