import type { LatenessScan } from './lateness.js';

/** Options of {@link ReReadPolicy}; durations in seconds. */
export interface ReReadPolicyOptions {
  /** Upper bound of every re-read (config `overlap`), and the width of the wide re-reads. */
  readonly maxSeconds: number;
  /** `false`: re-read `maxSeconds` on every poll (the fixed override, as before adaptive re-reads). */
  readonly adaptive: boolean;
  /** Every this many polls one re-reads `maxSeconds` to catch stragglers; it also bounds the lateness memory. */
  readonly widePolls: number;
}

/** How much of the already-read time the next poll reads again. */
export interface ReReadPlan {
  readonly seconds: number;
  /** A wide re-read (`maxSeconds`): a periodic straggler sweep, or not enough known yet. */
  readonly wide: boolean;
}

/** Recent lateness is re-read this many times over. */
export const LATENESS_MARGIN = 2;

/**
 * The re-read window: twice the worst lateness seen over the last {@link ReReadPolicyOptions.widePolls}
 * polls, never less than one scrape interval (estimated from sample spacing), never more than
 * `maxSeconds`. Every `widePolls` polls, and until a scrape interval is known, a poll re-reads
 * `maxSeconds` instead, which finds samples later than the regular window and widens it.
 * Pure: the poller reports what each poll read; no clock.
 */
export class ReReadPolicy {
  /** Worst lateness of each of the last polls, newest last. */
  private readonly recent: number[] = [];
  private scrape: number | undefined;
  private sinceWide = 0;

  constructor(private readonly options: ReReadPolicyOptions) {
    if (!(options.maxSeconds >= 0)) throw new RangeError(`maxSeconds must be at least 0, got ${options.maxSeconds}`);
    if (!(Number.isInteger(options.widePolls) && options.widePolls >= 1)) throw new RangeError(`widePolls must be a whole number ≥ 1, got ${options.widePolls}`);
  }

  /** The regular window (without the periodic wide re-read). */
  get regularSeconds(): number {
    const { maxSeconds, adaptive } = this.options;
    if (!adaptive || this.scrape === undefined) return maxSeconds;
    const worst = this.recent.reduce((a, b) => Math.max(a, b), 0);
    return Math.min(maxSeconds, Math.max(this.scrape, LATENESS_MARGIN * worst));
  }

  /** The estimated scrape interval (the largest sample spacing of the slowest target), once known. */
  get scrapeIntervalSeconds(): number | undefined {
    return this.scrape;
  }

  /** What the next poll re-reads. */
  plan(): ReReadPlan {
    const regular = this.regularSeconds;
    const wide = this.options.adaptive && (this.scrape === undefined || this.sinceWide + 1 >= this.options.widePolls);
    return wide ? { seconds: this.options.maxSeconds, wide: true } : { seconds: regular, wide: false };
  }

  /**
   * Records what a successful poll read: its worst lateness, and the scrape interval when the poll read
   * enough to tell (a wide one, or the backfill). `wide` says whether it was a wide re-read.
   */
  record(scan: Pick<LatenessScan, 'worstLateness' | 'scrapeInterval'>, wide: boolean): void {
    this.recent.push(scan.worstLateness);
    if (this.recent.length > this.options.widePolls) this.recent.shift();
    if (wide && scan.scrapeInterval !== undefined) this.scrape = Math.min(scan.scrapeInterval, this.options.maxSeconds);
    this.sinceWide = wide ? 0 : this.sinceWide + 1;
  }
}
