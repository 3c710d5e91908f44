import { buildSnapshot, type HourWeight, Ledger, type IngestResult, type LedgerOptions, type SnapshotLabels } from './index.js';
import { splitByNode } from './unattributed.js';
import type { LedgerSnapshot, SeriesSamples } from '../types.js';

/**
 * A ledger that also books every batch, after itself, into `split`: a ledger whose namespace groups
 * end with the node (see `splitByNode`), which the unattributed allocation needs. Used only when
 * `unattributed` is on; it roughly doubles the ledger's memory and ingest time.
 */
export class SplitLedger extends Ledger {
  #splitSnapshot: LedgerSnapshot;

  constructor(
    options: LedgerOptions,
    readonly split: Ledger,
    private readonly splitLabels: SnapshotLabels,
    /** Hour weights (carbon, cost) of the published snapshots, so they are allocated too. */
    private readonly weights: readonly HourWeight[] = [],
  ) {
    super(options);
    this.#splitSnapshot = buildSnapshot(split, splitLabels, weights);
  }

  /**
   * Snapshot of `split` at the end of the last batch: never mid-batch, so it pairs with the snapshot
   * the poller builds of this ledger right after the same batch.
   */
  get splitSnapshot(): LedgerSnapshot {
    return this.#splitSnapshot;
  }

  override *ingestSteps(batch: Iterable<SeriesSamples>, seriesPerStep?: number): Generator<void, IngestResult> {
    const list = [...batch];
    const result = yield* super.ingestSteps(list, seriesPerStep);
    yield* this.split.ingestSteps(list.map(splitByNode), seriesPerStep);
    this.#splitSnapshot = buildSnapshot(this.split, this.splitLabels, this.weights);
    return result;
  }
}
