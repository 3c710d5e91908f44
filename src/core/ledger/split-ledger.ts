import { buildSnapshot, type HourWeight, Ledger, type IngestResult, type LedgerOptions, type RestoredHours, type RestoreInput, type SnapshotLabels } from './index.js';
import { splitByNode } from './unattributed.js';
import type { LedgerSnapshot, SeriesSamples } from '../types.js';

/**
 * A ledger that also books every batch, after itself, into `split`: a ledger whose namespace groups
 * end with the node (see `splitByNode`), which the unattributed allocation needs. Used only when
 * `unattributed` is on; it roughly doubles the ledger's memory and ingest time.
 */
export class SplitLedger extends Ledger {
  #splitSnapshot!: LedgerSnapshot;
  /** What the restore held when the split snapshot was built. */
  #builtWith: { hours: RestoredHours | undefined; first: number | undefined } | undefined;

  constructor(
    options: LedgerOptions,
    readonly split: Ledger,
    private readonly splitLabels: SnapshotLabels,
    /** Hour weights (carbon, cost) of the published snapshots, so they are allocated too. */
    private readonly weights: readonly HourWeight[] = [],
    /** The restored hours of `split` (see `RestoreState.perNode`): its periods include them, like the main ledger's. */
    private readonly restore?: RestoreInput,
  ) {
    super(options);
    this.#build();
  }

  /**
   * Builds the split snapshot again if the restore has changed since it was built. Call it between
   * batches, when the snapshot of this ledger is published, so that both see the same restore.
   */
  syncRestore(): void {
    const r = this.restore;
    const built = this.#builtWith;
    if (r !== undefined && (built === undefined || r.hours !== built.hours || r.firstSampleTime !== built.first)) this.#build();
  }

  #build(): void {
    this.#builtWith = this.restore === undefined ? undefined : { hours: this.restore.hours, first: this.restore.firstSampleTime };
    this.#splitSnapshot = buildSnapshot(this.split, this.splitLabels, this.weights, this.restore);
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
    this.#build();
    return result;
  }
}
