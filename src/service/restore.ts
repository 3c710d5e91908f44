import { RestoredHours } from '../core/ledger/index.js';
import type { ServiceMetrics } from '../exposition/service-metrics.js';
import type { Logger } from '../log.js';
import { PrometheusError } from '../prometheus/errors.js';
import { HourReader } from './hour-reader.js';
import type { KeplerReader } from './kepler-reader.js';
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
    state.finish(new RestoredHours(to, to));
    metrics.setRestoreProgress(1);
    return;
  }
  logger.info({ from: new Date(from * 1000).toISOString(), to: new Date(to * 1000).toISOString() }, 'restoring the hours before the backfill');
  const reader = new HourReader({
    read: (a, b, linked) => o.reader.read(a, b, linked),
    from,
    to,
    edgeSeconds: o.lookbackSeconds,
    chunkSeconds: o.chunkSeconds,
    maxSeriesPowerWatts: o.maxSeriesPowerWatts,
    onChunk: (batch, done) => {
      state.noteSamples(batch);
      state.progress = Math.min(done, 0.999);
      metrics.setRestoreProgress(state.progress);
      logger.info({ progress: Math.round(done * 1000) / 1000 }, 'restore progress');
    },
  });
  while (!reader.done) {
    try {
      await reader.read(signal);
    } catch (error) {
      if (signal.aborted) return;
      const reason = error instanceof PrometheusError ? error.reason : 'bad_response';
      metrics.countRestoreError(reason);
      logger.warn({ reason, err: error instanceof Error ? error.message : String(error) }, 'restore read failed; retrying from where it stopped');
      await o.sleep(o.retrySeconds * 1000, signal);
      if (signal.aborted) return;
    }
  }
  const hours = RestoredHours.fromLedger(reader.ledger, from, to);
  state.finish(hours);
  metrics.setRestoreProgress(1);
  logger.info({ seconds: o.now() - started, namespaces: hours.groups('namespace').length }, 'restore complete');
}
