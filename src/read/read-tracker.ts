import { scanLateness } from '../core/reread/lateness.js';
import { ReReadPolicy, type ReReadPlan } from '../core/reread/reread-policy.js';
import type { SeriesSamples } from '../core/types.js';
import type { ServiceMetrics } from '../exposition/service-metrics.js';

/** Straggler sweeps (re-reads of the whole `overlap`) run about this often. */
const WIDE_REREAD_EVERY_SECONDS = 900;

/** Options of {@link ReadTracker}. */
export interface ReadTrackerOptions {
  /** Config `overlap`: the upper bound of every re-read and the width of the straggler sweeps. */
  readonly overlapSeconds: number;
  readonly intervalSeconds: number;
  /** `false` re-reads the whole overlap on every poll (config `adaptive_overlap: false`). */
  readonly adaptive: boolean;
  readonly metrics: ServiceMetrics;
  /** The ledger's newest consumed sample of a series (`Ledger.newestSampleTime`). */
  readonly newestSampleTime: (key: string) => number | undefined;
}

/**
 * Decides where each poll's read starts and measures what the reads return (see `ReReadPolicy` and
 * `scanLateness` in src/core/reread): the poller asks {@link startOf} for the start of a poll's read,
 * shows it every batch before ingesting it ({@link observe}), and reports a successful poll
 * ({@link pollSucceeded}). Counts `energy_ledger_samples_read_total` and `…_samples_late_total`.
 */
export class ReadTracker {
  private readonly policy: ReReadPolicy;
  private plan: ReReadPlan = { seconds: 0, wide: true };
  private previousEnd = -Infinity;
  private regularStart = -Infinity;
  private worst = 0;
  private interval: number | undefined;

  constructor(private readonly options: ReadTrackerOptions) {
    const widePolls = Math.max(1, Math.round(WIDE_REREAD_EVERY_SECONDS / options.intervalSeconds));
    this.policy = new ReReadPolicy({ maxSeconds: options.overlapSeconds, adaptive: options.adaptive, widePolls });
    options.metrics.setRereadWindow(this.policy.regularSeconds);
  }

  /**
   * Where a poll's read starts: `from` for the first read (the backfill), otherwise the end of the last
   * successful read minus the re-read window, or the ledger's settled watermark (`settled`: the newest
   * sample of the node that lags most, see `settled-watermark.ts`) when that is earlier, but never more
   * than `overlap` back. Prometheus appends a target's samples in time order, so a node whose samples
   * arrive late (a remote-write backlog) is read from its newest accounted sample on and none of its
   * samples is passed over.
   */
  startOf(previousEnd: number | undefined, from: number, settled?: number): number {
    this.worst = 0;
    this.interval = undefined;
    if (previousEnd === undefined) {
      this.plan = { seconds: 0, wide: true };
      this.previousEnd = -Infinity;
      this.regularStart = -Infinity;
      return from;
    }
    this.plan = this.policy.plan();
    this.previousEnd = previousEnd;
    this.regularStart = previousEnd - this.policy.regularSeconds;
    const start = Math.min(previousEnd - this.plan.seconds, settled ?? Infinity);
    return Math.max(previousEnd - this.options.overlapSeconds, start);
  }

  /** Measures one batch of a poll's read; call it before the batch is ingested. */
  observe(batch: readonly SeriesSamples[]): void {
    const scan = scanLateness(batch, this.options.newestSampleTime, this.previousEnd, this.regularStart);
    this.worst = Math.max(this.worst, scan.worstLateness);
    if (scan.scrapeInterval !== undefined) this.interval = Math.max(this.interval ?? 0, scan.scrapeInterval);
    this.options.metrics.countSamplesRead(scan.samples, scan.stragglers);
  }

  /** Records a successful poll's measurements; the next plan follows them. */
  pollSucceeded(): void {
    this.policy.record({ worstLateness: this.worst, scrapeInterval: this.interval }, this.plan.wide);
    this.options.metrics.setRereadWindow(this.policy.regularSeconds);
  }
}
