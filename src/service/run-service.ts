import { configuredWeights } from '../carbon/hour-weights.js';
import type { IntensityReader } from '../carbon/hourly-intensity.js';
import { QueryIntensity, type MatrixQuery } from '../carbon/query-intensity.js';
import { SelectorIntensity } from '../carbon/selector-intensity.js';
import { ledgerCalendar } from '../calendar/ledger-calendar.js';
import { Ledger, type LedgerOptions, restoreStart } from '../core/ledger/index.js';
import { PROMETHEUS_LOOKBACK_SECONDS } from '../core/lookback.js';
import { DEFAULTS } from '../config/schema.js';
import { addMatchers } from '../prometheus/selector.js';
import { HOUR_SECONDS, hourStart } from '../core/time.js';
import type { Config } from '../config/index.js';
import { createMetricsRegistry } from '../exposition/registry.js';
import { ServiceMetrics } from '../exposition/service-metrics.js';
import { createApp } from '../http/app.js';
import { createAuthGuard } from '../http/auth.js';
import { listen, type Listening } from '../http/listen.js';
import type { Logger } from '../log.js';
import { PrometheusError } from '../prometheus/errors.js';
import type { SampleSource } from '../read/sample-source.js';
import { classifyOptions, snapshotLabels } from './config-mapping.js';
import { KeplerReader } from '../read/kepler-reader.js';
import { abortableSleep, Poller } from './poller.js';
import { PublishedHours } from '../read/published-hours.js';
import { restoreHours } from './restore.js';
import { RestoreState } from './restore-state.js';
import { SplitLedger } from '../core/ledger/split-ledger.js';
import { ShardedSource } from '../read/sharded-source.js';
import { splitLabelsOf, unattributedView } from '../core/ledger/unattributed-view.js';

/** What {@link runService} needs besides the config. */
export interface ServiceDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly source: SampleSource;
  /** Evaluates PromQL for `carbon.intensity_query` (the Prometheus client); the demo's simulator has none. */
  readonly prometheus?: MatrixQuery;
  readonly version: string;
  /** Wall clock, unix seconds. */
  readonly now?: () => number;
  /** Called once the HTTP server listens (tests and the demo use the URL). */
  readonly onListening?: (listening: Listening, poller: Poller) => void;
  /** Calls `tick` every `everyMs` until the returned function is called; `setInterval` unless a test drives the ticks. */
  readonly repeat?: (everyMs: number, tick: () => void) => () => void;
}

/** {@link ServiceDeps.repeat} on the event loop's timers. */
function repeatWithTimers(everyMs: number, tick: () => void): () => void {
  const timer = setInterval(tick, everyMs);
  return () => clearInterval(timer);
}

/**
 * The main job: backfill, then poll every interval, and serve `/metrics`, health and the JSON API
 * until `signal` aborts; then let the in-flight poll finish, close the server and resolve.
 */
export async function runService(deps: ServiceDeps, signal: AbortSignal): Promise<void> {
  const { config, logger } = deps;
  const now = deps.now ?? (() => Date.now() / 1000);
  const labels = snapshotLabels(config);
  const ledgerOptions: LedgerOptions = {
    // Hour-aligned, so every published hour is complete and restarts give identical hours.
    origin: hourStart(now() - config.backfillSeconds),
    windows: config.windows,
    retentionSeconds: config.retentionSeconds,
    maxSeriesPowerWatts: config.kepler.maxSeriesPowerWatts,
    ...(config.maxNamespaces !== undefined && { maxNamespaces: config.maxNamespaces }),
    // Local days of the configured zone: current_day, previous_day, month_to_date.
    calendar: ledgerCalendar(config.timezone),
  };
  const unattributed = config.unattributed ?? 'off';
  // With `unattributed` on, a second ledger per (namespace, node) feeds the allocation; uncapped, folded when published.
  const { intensitySelector: selector, intensityQuery: query, queryStepSeconds } = config.carbon ?? {};
  if (query !== undefined && deps.prometheus === undefined) {
    logger.warn({ query }, 'carbon.intensity_query is not evaluated: this source (the demo\'s simulated cluster) has no PromQL engine; no carbon metrics');
  }
  // Grid intensity read from Prometheus: the hours the ledger holds, read again every interval.
  const intensity: IntensityReader | undefined =
    selector !== undefined
      ? new SelectorIntensity(deps.source, selector)
      : query !== undefined && deps.prometheus !== undefined
        ? new QueryIntensity(deps.prometheus, query, queryStepSeconds)
        : undefined;
  const refreshIntensity = async (): Promise<void> => {
    try {
      await intensity?.refresh(now(), Math.ceil(config.retentionSeconds / HOUR_SECONDS) + 2, signal);
    } catch (err) {
      if (signal.aborted) return;
      metrics.countCarbonIntensityError(err instanceof PrometheusError ? err.reason : 'bad_response');
      logger.warn({ err: err instanceof Error ? err.message : String(err), ...(selector !== undefined ? { selector } : { query }) }, 'failed to read the grid carbon intensity');
    }
  };
  const weights = configuredWeights(config, intensity);
  // The hours before the origin, back to the start of the oldest published period, read once ready
  // (with `unattributed` on, the split ledger's hours too: its periods are what is allocated).
  const restore = new RestoreState();
  const split =
    unattributed === 'off'
      ? undefined
      : new SplitLedger(ledgerOptions, new Ledger({ ...ledgerOptions, maxNamespaces: undefined }), splitLabelsOf(labels), weights, restore.perNode);
  const ledger = split ?? new Ledger(ledgerOptions);
  const view = split === undefined || unattributed === 'off' ? undefined : unattributedView(unattributed, split, labels);
  // With `--shard i/N` only this shard's nodes are read, and every exposed series carries shard="i".
  const source = config.shard === undefined ? deps.source : new ShardedSource(deps.source, config.shard);
  // This service's own published hours (the restore's history path): with a shard, only that shard's series.
  const serviceSelector = config.rules?.serviceSelector ?? DEFAULTS.rules.service_selector;
  const historySelector = config.shard === undefined ? serviceSelector : addMatchers(serviceSelector, `shard="${config.shard.index}"`);
  const reader = new KeplerReader({ source, schema: config.kepler.schema, classify: classifyOptions(config) });
  const metrics = new ServiceMetrics(deps.version);
  // `/api/v1/hours` as of the published snapshot, never a ledger halfway through an ingest.
  const hours = new PublishedHours({
    read: (from, to) => (view === undefined ? ledger.hours('namespace', from, to) : view.hours(from, to)),
    origin: ledger.options.origin,
    namespaceIndex: labels.namespaceLabels.indexOf('namespace'),
  });
  let restoring: Promise<void> | undefined;
  const startRestore = (): void => {
    const restoreReader = new KeplerReader({ source: deps.source, schema: config.kepler.schema, classify: classifyOptions(config) });
    restoreReader.useSchemas(reader.activeSchemas);
    restoring = restoreHours(
      {
        reader: restoreReader,
        state: restore,
        metrics,
        logger,
        from: Math.min(restoreStart(now(), ledgerOptions.calendar), ledger.options.origin),
        to: ledger.options.origin,
        lookbackSeconds: PROMETHEUS_LOOKBACK_SECONDS,
        chunkSeconds: config.prometheus.maxRangeSeconds,
        maxSeriesPowerWatts: config.kepler.maxSeriesPowerWatts,
        now,
        retrySeconds: config.intervalSeconds,
        sleep: abortableSleep,
        ...(unattributed !== 'off' && { unattributed }),
        // Hours whose raw samples Prometheus no longer holds: the service's own published hours.
        ...(deps.prometheus !== undefined && {
          history: { prometheus: deps.prometheus, serviceSelector: historySelector, ...labels },
        }),
        // The counters' bases, of local months.
        ...(ledgerOptions.calendar !== undefined && { calendar: ledgerOptions.calendar }),
      },
      signal,
    ).then(() => poller.refresh());
  };
  const poller = new Poller({
    restore,
    onReady: startRestore,
    reader,
    ledger,
    metrics,
    logger,
    labels,
    weights,
    now,
    intervalSeconds: config.intervalSeconds,
    overlapSeconds: config.overlapSeconds,
    adaptiveOverlap: config.adaptiveOverlap ?? true,
    // A series with a sample this close before the origin is not new.
    lookbackSeconds: PROMETHEUS_LOOKBACK_SECONDS,
    chunkSeconds: config.prometheus.maxRangeSeconds,
    // The split snapshot is brought up to the restore whenever the main one is published: both see the same.
    ledgerChanges:
      split === undefined
        ? hours
        : {
            changing: () => hours.changing(),
            published: () => {
              split.syncRestore();
              hours.published();
            },
          },
  });
  const published = () => (view === undefined ? poller.snapshot : view.snapshot(poller.snapshot));
  const registry = createMetricsRegistry({
    snapshot: published,
    version: deps.version,
    service: metrics,
    holdBackCountersUntilBackfill: true,
    ...(config.shard !== undefined && { constantLabels: `shard="${config.shard.index}"` }),
    ...labels,
    ...(config.cost?.currency !== undefined && { currency: config.cost.currency }),
    ...(config.budgets !== undefined && { budgets: config.budgets }),
  });
  const app = createApp({
    metrics: () => registry.metricsChunks(),
    metricsGzip: () => registry.metricsGzipChunks(),
    isReady: () => (poller.ready ? { ready: true } : { ready: false, reason: 'backfill not complete' }),
    snapshot: published,
    now,
    hours: (q) => hours.rows(q),
    status: () => ({
      version: deps.version,
      keplerSchemas: metrics.keplerSchemas,
      watermark: ledger.watermark,
      origin: ledger.options.origin,
      ready: poller.ready,
      lastPollSuccess: metrics.lastPollSuccess,
      unknownZones: metrics.unknownZones,
    }),
    onError: (err) => logger.error({ err: err instanceof Error ? err.message : String(err) }, 'HTTP handler failed'),
    auth: createAuthGuard(config.web, (err) => logger.error({ err: err instanceof Error ? err.message : String(err) }, 'failed to check credentials')),
  });
  const listening = await listen(app, config.listen, { tls: config.web?.tls });
  logger.info({ url: listening.url, origin: new Date(ledger.options.origin * 1000).toISOString() }, 'listening');
  deps.onListening?.(listening, poller);
  let stopRefreshing = (): void => undefined;
  if (intensity !== undefined) {
    // One read at a time: a read slower than the interval (a loaded Prometheus, retries) is not joined by more.
    let inFlight: Promise<void> | undefined;
    const refreshOnce = (): Promise<void> => (inFlight ??= refreshIntensity().finally(() => (inFlight = undefined)));
    await refreshOnce();
    stopRefreshing = (deps.repeat ?? repeatWithTimers)(config.intervalSeconds * 1000, () => void refreshOnce());
  }
  try {
    await poller.run(signal);
    await restoring;
  } finally {
    stopRefreshing();
    await listening.close();
    logger.info('stopped');
  }
}
