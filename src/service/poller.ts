import { buildSnapshot, type HourWeight, type Ledger, type SnapshotLabels } from '../core/ledger/index.js';
import type { LedgerSnapshot, SchemaId } from '../core/types.js';
import type { ServiceMetrics } from '../exposition/service-metrics.js';
import type { Logger } from '../log.js';
import { PrometheusError } from '../prometheus/errors.js';
import { DetectionSchedule } from '../read/detection-schedule.js';
import { FirstScrapeBaseline } from '../core/ledger/first-scrape-baseline.js';
import { readInChunks } from '../read/chunked-read.js';
import { ingestInSteps } from './ingest-in-steps.js';
import { zoneHint } from '../core/schema/zones.js';
import type { KeplerReader } from '../read/kepler-reader.js';
import type { LedgerChangeHooks } from '../read/published-hours.js';
import { ReadTracker } from '../read/read-tracker.js';
import type { RestoreState } from './restore-state.js';

/** Options of {@link Poller}. */
export interface PollerOptions {
  readonly reader: KeplerReader;
  readonly ledger: Ledger;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  readonly labels: SnapshotLabels;
  /** Hour-by-hour weights of the snapshot's energy (carbon, cost); none by default. */
  readonly weights?: readonly HourWeight[];
  /** Wall clock, unix seconds. */
  readonly now: () => number;
  readonly intervalSeconds: number;
  /** How much already-read time each poll reads again, for late samples: the upper bound with `adaptiveOverlap`. */
  readonly overlapSeconds: number;
  /** Re-read about twice the worst recent lateness instead of the whole overlap (see `ReadTracker`); default false. */
  readonly adaptiveOverlap?: boolean;
  /** How far before the ledger's origin the first read starts, so existing series get a baseline. */
  readonly lookbackSeconds: number;
  /** Longest span read and ingested at once (bounds memory during backfill and catch-up). */
  readonly chunkSeconds: number;
  /** Waits between polls; injectable for tests. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Told before every change of the ledger and after every publication (consistent reads of the ledger). */
  readonly ledgerChanges?: LedgerChangeHooks;
  /** The restore of the hours before the origin: published periods include them (see `restore-state.ts`). */
  readonly restore?: RestoreState;
  /** Called once, when the backfill has completed (the service starts its restore then). */
  readonly onReady?: () => void;
}

/**
 * Drives the ledger: the first successful poll is the backfill from `origin − lookback`, every
 * later one reads from where the last successful read ended, minus the re-read window that
 * {@link ReadTracker} picks (the ledger skips what it has already accounted, so nothing counts twice). A failed poll keeps the ledger as it
 * is and the next one catches up. Polls never run concurrently. A target whose first stored scrape
 * comes after the origin gets that scrape as its baseline (see {@link FirstScrapeBaseline}).
 * Schema detection runs on the polls {@link DetectionSchedule} picks, not on every poll.
 */
export class Poller {
  private snapshotValue: LedgerSnapshot;
  private readEnd: number | undefined;
  private overflowing = false;
  /** Unknown zones already logged (each is logged once). */
  private readonly zonesLogged = new Set<string>();
  private polling = false;
  private restoredPublished = false;
  private readonly baseline: FirstScrapeBaseline;
  private readonly schedule: DetectionSchedule;
  private readonly reads: ReadTracker;
  /** Clock and schemas of the latest successful detection: a schema found by a later one was absent until then. */
  private detectedAt: number | undefined;
  private detectedSchemas: readonly SchemaId[] = [];
  /** Where reads start until a poll succeeds, when a schema was found since the detection before. */
  private readBackFrom: number | undefined;

  constructor(private readonly options: PollerOptions) {
    this.snapshotValue = buildSnapshot(options.ledger, options.labels, options.weights, options.restore);
    this.baseline = new FirstScrapeBaseline(options.ledger.options.origin);
    this.schedule = DetectionSchedule.forInterval(options.intervalSeconds);
    this.reads = new ReadTracker({
      overlapSeconds: options.overlapSeconds,
      intervalSeconds: options.intervalSeconds,
      adaptive: options.adaptiveOverlap ?? false,
      metrics: options.metrics,
      newestSampleTime: (key) => options.ledger.newestSampleTime(key),
    });
  }

  /** The latest published snapshot (immutable). */
  get snapshot(): LedgerSnapshot {
    return this.snapshotValue;
  }

  /** Whether the published snapshot includes the restored hours before the origin (always true without a restore). */
  get restored(): boolean {
    return this.restoredPublished;
  }

  /** Publishes the ledger again now (e.g. once the restore has completed), unless a poll is in flight: that one publishes when it ends. */
  refresh(): void {
    if (!this.polling) this.publish();
  }

  /** Whether the backfill has completed (readiness): held by the service metrics, which also export it. */
  get ready(): boolean {
    return this.options.metrics.backfillComplete;
  }

  /** Polls every interval until `signal` aborts; an in-flight poll finishes first (drain). */
  async run(signal: AbortSignal): Promise<void> {
    const sleep = this.options.sleep ?? abortableSleep;
    while (!signal.aborted) {
      const started = this.options.now();
      await this.pollOnce(signal);
      const elapsed = this.options.now() - started;
      const waitSeconds = this.ready ? this.options.intervalSeconds - elapsed : Math.min(this.options.intervalSeconds, 5);
      if (waitSeconds > 0) await sleep(waitSeconds * 1000, signal);
    }
  }

  /** One poll: detection when due, then reading and ingesting up to now in chunks. Never throws. */
  async pollOnce(signal?: AbortSignal): Promise<boolean> {
    const { ledger, reader, logger, metrics, now } = this.options;
    const started = now();
    const end = started;
    const first = this.readEnd === undefined;
    let start = this.reads.startOf(this.readEnd, ledger.options.origin - this.options.lookbackSeconds, ledger.watermark);
    this.polling = true;
    try {
      if (this.schedule.due) await this.detect(end, signal);
      if (this.readBackFrom !== undefined) start = Math.min(start, this.readBackFrom);
      await readInChunks({ read: (from, to, linked) => reader.read(from, to, linked), start, end, chunkSeconds: this.options.chunkSeconds, ...(signal !== undefined && { signal }) }, async (batch, to, i, chunks) => {
        this.reads.observe(batch);
        this.options.restore?.noteSamples(batch);
        this.options.ledgerChanges?.changing();
        const result = await ingestInSteps(ledger, this.baseline.apply(batch));
        // Until a schema is detected nothing was read: the first read still starts at the origin.
        if (reader.activeSchemas.length > 0) this.readEnd = to;
        // Publish as we go, so a long backfill already shows what it has read, and let HTTP requests in
        // between chunks (a CPU-bound source such as the demo's would otherwise block /metrics until the end).
        if (i + 1 < chunks) {
          this.publish();
          await new Promise((resolve) => setImmediate(resolve));
        }
        if (first) logger.info({ chunk: i + 1, chunks, to: new Date(to * 1000).toISOString(), accepted: result.accepted }, 'backfill progress');
        else if (result.resets > result.processExits || result.rejected.implausible > 0) logger.warn({ ...result }, 'anomalies in Kepler samples');
      });
      this.publish();
      this.reportOverflow();
      this.reportIgnored();
      this.readBackFrom = undefined;
      this.reads.pollSucceeded();
      // No schema yet, or one whose series are gone: detect again on the next poll.
      this.schedule.pollEnded(reader.activeSchemas.length === 0 || reader.schemasWithoutSeries.length > 0);
      if (!this.ready) {
        metrics.setBackfillComplete(true);
        logger.info({ seconds: now() - started, series: ledger.stats().series }, 'backfill complete');
        this.options.onReady?.();
      }
      metrics.pollSucceeded(now(), now() - started);
      logger.debug({ seconds: now() - started, watermark: ledger.watermark, series: ledger.stats().series }, 'poll');
      return true;
    } catch (error) {
      // Chunks ingested before the failure stay. Published even on shutdown: requests waiting for this
      // poll's publication (PublishedHours) would otherwise never resume.
      this.publish();
      if (signal?.aborted) return false;
      this.reportOverflow();
      this.schedule.pollEnded(true);
      const reason = error instanceof PrometheusError ? error.reason : 'bad_response';
      metrics.pollFailed(reason, now() - started);
      logger.warn({ reason, err: error instanceof Error ? error.message : String(error) }, 'poll failed; keeping the last good ledger');
      return false;
    } finally {
      this.polling = false;
    }
  }

  /**
   * Detects the schemas and their versions. A schema found since the previous detection was not read
   * in between: reads start at that detection until a poll succeeds (the ledger skips what it already
   * holds of the other schemas).
   */
  private async detect(end: number, signal?: AbortSignal): Promise<void> {
    const { reader, metrics, logger } = this.options;
    const detected = await reader.detect(end, signal);
    metrics.setKeplerInfo(detected);
    if (detected.length === 0) logger.warn('no Kepler metrics found; is Kepler scraped by this Prometheus?');
    const since = this.detectedAt;
    this.detectedAt = end;
    this.schedule.detected();
    const before = this.detectedSchemas;
    this.detectedSchemas = reader.activeSchemas;
    const added = reader.activeSchemas.some((schema) => !before.includes(schema));
    if (added && since !== undefined) this.readBackFrom = Math.min(this.readBackFrom ?? Infinity, since - this.options.overlapSeconds);
  }

  /** Publishes the snapshot of the ledger as it is now. */
  private publish(): void {
    this.restoredPublished = this.options.restore?.complete ?? true;
    this.snapshotValue = buildSnapshot(this.options.ledger, this.options.labels, this.options.weights, this.options.restore);
    this.options.ledgerChanges?.published();
  }

  /** Publishes the series the poll left out on purpose and logs each unknown zone once, with the config line that maps it. */
  private reportIgnored(): void {
    const { reader, metrics, logger } = this.options;
    const zones = reader.unknownZones;
    metrics.setSeriesIgnored(reader.takeIgnored(), zones);
    for (const zone of zones) {
      if (this.zonesLogged.has(zone)) continue;
      this.zonesLogged.add(zone);
      logger.warn({ zone, config: zoneHint(zone) }, `Kepler zone '${zone}' is not in kepler.zones and is not accounted; map it, e.g. ${zoneHint(zone)}`);
    }
  }

  /** Publishes the namespace overflow gauge and logs when the cap starts or stops folding namespaces. */
  private reportOverflow(): void {
    const { ledger, metrics, logger } = this.options;
    const series = ledger.overflowSeries;
    metrics.setNamespaceOverflowSeries(series);
    if (series > 0 && !this.overflowing) {
      logger.warn(
        { max_namespaces: ledger.options.maxNamespaces, overflow_series: series },
        'more namespaces than max_namespaces: the rest are summed into namespace="__other__"',
      );
    } else if (series === 0 && this.overflowing) logger.info('namespaces are back under max_namespaces');
    this.overflowing = series > 0;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
