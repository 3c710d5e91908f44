/**
 * The service's own instrumentation (poll health, Kepler schema, build info), held in prom-client
 * metrics that are registered in a registry of the caller's choosing, never the global one.
 * This class is the only writer of those metrics (they are private, without `collect` callbacks): every
 * method that may change one moves {@link ServiceMetrics.revision}, which tells `/metrics` to render them
 * again (`render-cache.ts`).
 */
import { Counter, Gauge, Histogram, type Metric, type Registry } from 'prom-client';
import type { KeplerSchemaInfo } from './health.js';
import type { IgnoreReason } from '../core/schema/zones.js';
import { type ExposedMetric, IGNORE_REASONS, LABEL_REASON, LABEL_SCHEMA, LABEL_VERSION, METRICS, POLL_DURATION_BUCKETS, POLL_ERROR_REASONS, type PollErrorReason } from './names.js';

/** A prom-client metric's name, help and label names, as `names.ts` declares them; never registered globally. */
function spec(metric: ExposedMetric): { name: string; help: string; labelNames: string[]; registers: [] } {
  return { name: metric.name, help: metric.help, labelNames: [...metric.labels], registers: [] };
}

/** Poll health and build metadata; the poller calls `pollSucceeded`/`pollFailed` once per poll. */
export class ServiceMetrics {
  #up: 0 | 1 = 0;
  #lastPollSuccess: number | undefined;
  #keplerSchemas: readonly KeplerSchemaInfo[] = [];
  #backfillComplete = false;
  #unknownZones: readonly string[] = [];
  #revision = 0;

  readonly #upGauge = new Gauge(spec(METRICS.up));
  readonly #lastSuccessGauge = new Gauge(spec(METRICS.lastPollSuccess));
  readonly #duration = new Histogram({ ...spec(METRICS.pollDuration), buckets: [...POLL_DURATION_BUCKETS] });
  readonly #errors = new Counter(spec(METRICS.pollErrors));
  readonly #keplerInfo = new Gauge(spec(METRICS.keplerInfo));
  readonly #buildInfo = new Gauge(spec(METRICS.buildInfo));
  readonly #overflowGauge = new Gauge(spec(METRICS.namespaceOverflowSeries));
  readonly #metricsSeries = new Gauge(spec(METRICS.metricsSeries));
  readonly #metricsBytes = new Gauge(spec(METRICS.metricsBytes));
  readonly #backfillGauge = new Gauge(spec(METRICS.backfillComplete));
  readonly #samplesRead = new Counter(spec(METRICS.samplesRead));
  readonly #samplesLate = new Counter(spec(METRICS.samplesLate));
  readonly #rereadWindow = new Gauge(spec(METRICS.rereadWindow));
  readonly #seriesIgnored = new Gauge(spec(METRICS.seriesIgnored));
  readonly #restoreProgress = new Gauge(spec(METRICS.restoreProgress));
  readonly #restoreErrors = new Counter(spec(METRICS.restoreErrors));
  readonly #historyMismatches = new Counter(spec(METRICS.historyMismatches));
  readonly #carbonIntensityErrors = new Counter(spec(METRICS.carbonIntensityErrors));
  #metricsSize = { series: 0, bytes: 0 };

  /** `version` is the energy-ledger version for `energy_ledger_build_info`. */
  constructor(version: string) {
    this.#upGauge.set(0);
    this.#lastSuccessGauge.set(0);
    this.#backfillGauge.set(0);
    this.#overflowGauge.set(0);
    this.#metricsSeries.set(0);
    this.#metricsBytes.set(0);
    for (const reason of POLL_ERROR_REASONS) {
      this.#errors.inc({ [LABEL_REASON]: reason }, 0);
      this.#carbonIntensityErrors.inc({ [LABEL_REASON]: reason }, 0);
      this.#restoreErrors.inc({ [LABEL_REASON]: reason }, 0);
    }
    this.#restoreProgress.set(0);
    this.#buildInfo.set({ [LABEL_VERSION]: version }, 1);
    this.setSeriesIgnored({}, []);
  }

  /** Moves each time one of the metrics may have changed; equal revisions render identically. */
  get revision(): number {
    return this.#revision;
  }

  /** Zones seen that `kepler.zones` does not map (for the status page). */
  get unknownZones(): readonly string[] {
    return this.#unknownZones;
  }

  /** Sets the series of the latest read left out on purpose, by reason, and the unknown zones seen. */
  setSeriesIgnored(counts: Readonly<Partial<Record<IgnoreReason, number>>>, unknownZones: readonly string[]): void {
    this.#revision += 1;
    for (const reason of IGNORE_REASONS) this.#seriesIgnored.set({ [LABEL_REASON]: reason }, counts[reason] ?? 0);
    this.#unknownZones = [...unknownZones];
  }

  get up(): 0 | 1 {
    return this.#up;
  }

  get lastPollSuccess(): number | undefined {
    return this.#lastPollSuccess;
  }

  get keplerSchemas(): readonly KeplerSchemaInfo[] {
    return this.#keplerSchemas;
  }

  /** Whether the start-up backfill has completed: the service's readiness (the poller reads it here). */
  get backfillComplete(): boolean {
    return this.#backfillComplete;
  }

  /** Registers every service metric in `registry`. */
  registerIn(registry: Registry): void {
    const metrics: Metric<string>[] = [
      this.#upGauge,
      this.#lastSuccessGauge,
      this.#duration,
      this.#errors,
      this.#keplerInfo,
      this.#buildInfo,
      this.#backfillGauge,
      this.#overflowGauge,
      this.#metricsSeries,
      this.#metricsBytes,
      this.#seriesIgnored,
      this.#carbonIntensityErrors,
      this.#samplesRead,
      this.#samplesLate,
      this.#rereadWindow,
      this.#restoreProgress,
      this.#restoreErrors,
      this.#historyMismatches,
    ];
    for (const m of metrics) registry.registerMetric(m);
  }

  /** Records a successful poll that finished at `atUnixSeconds` and took `durationSeconds`. */
  pollSucceeded(atUnixSeconds: number, durationSeconds: number): void {
    this.#revision += 1;
    this.#up = 1;
    this.#lastPollSuccess = atUnixSeconds;
    this.#upGauge.set(1);
    this.#lastSuccessGauge.set(atUnixSeconds);
    this.observePollDuration(durationSeconds);
  }

  /** Records a failed poll; the last good ledger stays published. */
  pollFailed(reason: PollErrorReason, durationSeconds: number): void {
    this.#revision += 1;
    this.#up = 0;
    this.#upGauge.set(0);
    this.countPollError(reason);
    this.observePollDuration(durationSeconds);
  }

  /** Replaces the detected Kepler schemas (one `energy_ledger_kepler_info` series each). */
  setKeplerInfo(list: readonly KeplerSchemaInfo[]): void {
    this.#revision += 1;
    this.#keplerSchemas = [...list];
    this.#keplerInfo.reset();
    for (const { schema, version } of list) this.#keplerInfo.set({ [LABEL_SCHEMA]: schema, [LABEL_VERSION]: version }, 1);
  }

  /** Marks the start-up backfill as complete (or not, e.g. after a restart of the backfill). */
  setBackfillComplete(done: boolean): void {
    this.#revision += 1;
    this.#backfillComplete = done;
    this.#backfillGauge.set(done ? 1 : 0);
  }

  /** Sets how many tracked series book into `namespace="__other__"` (beyond `max_namespaces`). */
  setNamespaceOverflowSeries(count: number): void {
    this.#revision += 1;
    this.#overflowGauge.set(count);
  }

  /**
   * Records the size of the energy part of /metrics just rendered for a new snapshot. Unchanged sizes do
   * not touch the gauges, so a cached rendering of the service metrics stays valid.
   */
  setMetricsSize(series: number, bytes: number): void {
    if (series === this.#metricsSize.series && bytes === this.#metricsSize.bytes) return;
    this.#revision += 1;
    this.#metricsSize = { series, bytes };
    this.#metricsSeries.set(series);
    this.#metricsBytes.set(bytes);
  }

  /** Series and bytes of the energy part of the last /metrics rendering (0 before the first). */
  get metricsSize(): { readonly series: number; readonly bytes: number } {
    return this.#metricsSize;
  }

  /** Counts samples returned by a read (`read`) and those of them that only a wide re-read found (`late`). */
  countSamplesRead(read: number, late: number): void {
    this.#revision += 1;
    this.#samplesRead.inc(read);
    this.#samplesLate.inc(late);
  }

  /** Sets the regular re-read window, seconds. */
  setRereadWindow(seconds: number): void {
    this.#revision += 1;
    this.#rereadWindow.set(seconds);
  }

  observePollDuration(seconds: number): void {
    this.#revision += 1;
    if (Number.isFinite(seconds) && seconds >= 0) this.#duration.observe(seconds);
  }

  countPollError(reason: PollErrorReason): void {
    this.#revision += 1;
    this.#errors.inc({ [LABEL_REASON]: reason });
  }

  /** Sets the share of the start-up restore read so far (0–1). */
  setRestoreProgress(ratio: number): void {
    this.#revision += 1;
    this.#restoreProgress.set(ratio);
  }

  /** Counts a restored hour whose published history differs from its raw samples. */
  countHistoryMismatch(): void {
    this.#revision += 1;
    this.#historyMismatches.inc();
  }

  /** Counts a failed read of the start-up restore (it is retried). */
  countRestoreError(reason: PollErrorReason): void {
    this.#revision += 1;
    this.#restoreErrors.inc({ [LABEL_REASON]: reason });
  }

  /** Counts a failed read of the grid carbon intensity (the poll itself is unaffected). */
  countCarbonIntensityError(reason: PollErrorReason): void {
    this.#revision += 1;
    this.#carbonIntensityErrors.inc({ [LABEL_REASON]: reason });
  }
}
