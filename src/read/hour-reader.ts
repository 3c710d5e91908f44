import { FirstScrapeBaseline, Ledger } from '../core/ledger/index.js';
import { splitByNode } from '../core/ledger/unattributed.js';
import { HOUR_SECONDS } from '../core/time.js';
import type { SeriesSamples } from '../core/types.js';
import { readInChunks } from './chunked-read.js';

/** Options of {@link HourReader}. */
export interface HourReaderOptions {
  /** Reads the ledger input of `(from, to]` (a {@link KeplerReader}'s `read`). */
  readonly read: (from: number, to: number, signal: AbortSignal) => Promise<SeriesSamples[]>;
  /** The hours `[from, to)` to account; both hour-aligned. */
  readonly from: number;
  readonly to: number;
  /** How far around `[from, to]` samples are read: before, for the baselines; after, to close the last hour. */
  readonly edgeSeconds: number;
  readonly chunkSeconds: number;
  readonly maxSeriesPowerWatts: number;
  /** Also book every batch into {@link HourReader.perNode}, namespace groups per node (what `unattributed` allocates). */
  readonly perNode?: boolean;
  /** Never read beyond this (the wall clock). */
  readonly notAfter?: number;
  /** Told of every chunk read, with the share done (0–1). */
  readonly onChunk?: (batch: readonly SeriesSamples[], done: number) => void;
}

/**
 * The ledger of a past span `[from, to)`, read from raw Kepler samples: what the restore and `report`
 * share. Samples of `(from − edge, to + edge]` are read in chunks (see `chunked-read.ts`) into a ledger
 * whose origin is `from`, with the first-scrape baseline. The hours before `to` are then exactly those a
 * ledger over any longer span holds (the split of a delta that straddles `to` included; see the restore
 * seam property test). {@link read} resumes after a failure where the last chunk ended: the ledger skips
 * what it already holds, so nothing counts twice.
 */
export class HourReader {
  readonly ledger: Ledger;
  /** With `perNode`: the same hours with namespace groups that end with the node (see `splitByNode`). */
  readonly perNode: Ledger | undefined;
  private readonly baseline: FirstScrapeBaseline;
  private readEnd: number;
  private readonly end: number;

  constructor(private readonly options: HourReaderOptions) {
    const { from, to, edgeSeconds } = options;
    const ledgerOptions = {
      origin: from,
      windows: [{ label: '1h', seconds: HOUR_SECONDS }],
      retentionSeconds: to - from + edgeSeconds + 2 * HOUR_SECONDS,
      maxSeriesPowerWatts: options.maxSeriesPowerWatts,
    };
    this.ledger = new Ledger(ledgerOptions);
    this.perNode = options.perNode === true ? new Ledger(ledgerOptions) : undefined;
    this.baseline = new FirstScrapeBaseline(from);
    this.readEnd = from - edgeSeconds;
    this.end = Math.min(to + edgeSeconds, options.notAfter ?? Infinity);
  }

  /** Whether everything has been read. */
  get done(): boolean {
    return this.readEnd >= this.end;
  }

  /** Reads what is left (all of it, or from where a failed read stopped). Rejects on a failed read. */
  async read(signal?: AbortSignal): Promise<Ledger> {
    const { chunkSeconds, onChunk } = this.options;
    if (this.done) return this.ledger;
    const first = this.options.from - this.options.edgeSeconds;
    await readInChunks({ read: this.options.read, start: this.readEnd, end: this.end, chunkSeconds, ...(signal !== undefined && { signal }) }, (batch, to) => {
      const input = this.baseline.apply(batch);
      this.ledger.ingest(input);
      this.perNode?.ingest(input.map(splitByNode));
      this.readEnd = to;
      onChunk?.(batch, (to - first) / (this.end - first));
    });
    return this.ledger;
  }
}
