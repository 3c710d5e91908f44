import { Ledger, type IngestResult, type LedgerOptions } from '../core/ledger/index.js';
import { splitByNode } from '../core/ledger/unattributed.js';
import type { SeriesSamples } from '../core/types.js';

/**
 * A ledger that also books every batch, after itself, into `split`: a ledger whose namespace groups
 * end with the node (see `splitByNode`), which the unattributed allocation needs. Used only when
 * `unattributed` is on; it roughly doubles the ledger's memory and ingest time.
 */
export class SplitLedger extends Ledger {
  constructor(
    options: LedgerOptions,
    readonly split: Ledger,
  ) {
    super(options);
  }

  override *ingestSteps(batch: Iterable<SeriesSamples>, seriesPerStep?: number): Generator<void, IngestResult> {
    const list = [...batch];
    const result = yield* super.ingestSteps(list, seriesPerStep);
    yield* this.split.ingestSteps(list.map(splitByNode), seriesPerStep);
    return result;
  }
}
