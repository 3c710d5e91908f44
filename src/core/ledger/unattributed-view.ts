import { type Ledger, OVERFLOW_LABEL_VALUE, type SnapshotLabels } from './index.js';
import { groupKeyOf } from '../schema/key-codec.js';
import { allocateHours, allocateSnapshot, type UnattributedMode } from './unattributed.js';
import type { HourRow, LedgerSnapshot } from '../types.js';
import type { SplitLedger } from './split-ledger.js';

/** What the exposition and the API publish with `unattributed` on. */
export interface UnattributedView {
  /** The snapshot with allocated namespaces (memoised per poller snapshot). */
  snapshot(main: LedgerSnapshot): LedgerSnapshot;
  /** Namespace hour rows with the allocation, `fromHourStart <= hourStart < toHourStart`. */
  hours(fromHourStart: number, toHourStart: number): HourRow[];
}

/** Label names of the split ledger's groups: the namespace labels, then `node`. */
export function splitLabelsOf(labels: SnapshotLabels): SnapshotLabels {
  return { namespaceLabels: [...labels.namespaceLabels, 'node'], nodeLabels: labels.nodeLabels };
}

/** The published view of `ledger` (main, capped) and its split ledger (per namespace and node) in `mode`. */
export function unattributedView(mode: Exclude<UnattributedMode, 'off'>, ledger: SplitLedger, labels: SnapshotLabels): UnattributedView {
  const split: Ledger = ledger.split;
  const cache = new WeakMap<LedgerSnapshot, LedgerSnapshot>();
  // Under max_namespaces the split ledger (no cap) knows namespaces the main ledger books as __other__.
  const fold = (): ((l: readonly string[]) => readonly string[]) => {
    if (ledger.options.maxNamespaces === undefined) return (l) => l;
    const tracked = new Set(ledger.groups('namespace').map(groupKeyOf));
    return (l) => (tracked.has(groupKeyOf(l)) ? l : l.map(() => OVERFLOW_LABEL_VALUE));
  };
  return {
    snapshot(main) {
      let out = cache.get(main);
      if (out === undefined) cache.set(main, (out = allocateSnapshot(mode, main, ledger.splitSnapshot, fold())));
      return out;
    },
    hours(from, to) {
      return allocateHours(mode, labels, split.hours('namespace', from, to), split.hours('node', from, to), fold());
    },
  };
}
