import type { GroupEnergy, LedgerSnapshot, Scope } from '../types.js';
import type { Ledger } from './ledger.js';
import { publishedDays, publishedPeriods } from './periods.js';
import { publishedSpans, restoredScopeEnergy, type RestoreInput } from './restored-snapshot.js';
import { HOUR_SECONDS } from './time.js';
import { type HourWeight, type WeightedEnergy, weightedEnergy } from './weighted.js';

export { publishedDays, publishedPeriods };

/** Label names of namespace and node groups (node groups end with `node`, see `snapshotLabels`). */
export interface SnapshotLabels {
  readonly namespaceLabels: readonly string[];
  readonly nodeLabels: readonly string[];
}

/**
 * An immutable, fully computed view of the ledger. A group is included when it has energy in the
 * longest window or in a published period; its `totalJoules` is reported as is. Windows and periods
 * are in watt-hours. Groups are sorted by labels. Before the first sample there are no groups.
 */
export function buildSnapshot(ledger: Ledger, labels: SnapshotLabels, weights: readonly HourWeight[] = [], restore?: RestoreInput): LedgerSnapshot {
  if (restore !== undefined) {
    // A restoring service: periods from live and restored hours, counters = month to date (`restored-snapshot.ts`).
    const { spans, coverage } = publishedSpans(ledger, restore);
    return deepFreeze({
      watermark: ledger.watermark,
      namespaceLabels: [...labels.namespaceLabels],
      nodeLabels: [...labels.nodeLabels],
      namespaces: restoredScopeEnergy(ledger, 'namespace', weights, restore, spans),
      nodes: restoredScopeEnergy(ledger, 'node', weights, restore, spans),
      stats: ledger.stats(),
      coverage,
    });
  }
  return Object.freeze({
    watermark: ledger.watermark,
    namespaceLabels: Object.freeze([...labels.namespaceLabels]),
    nodeLabels: Object.freeze([...labels.nodeLabels]),
    namespaces: scopeEnergy(ledger, 'namespace', weights),
    nodes: scopeEnergy(ledger, 'node', weights),
    stats: deepFreeze(ledger.stats()),
  });
}

/**
 * The published groups of one scope, built in one pass over the ledger's groups (see `Ledger.scan`):
 * with 100,000s of namespaces the snapshot's peak memory is its records, not one array per query.
 * Every record is frozen as it is made (the group's labels are the ledger's own frozen array).
 */
function scopeEnergy(ledger: Ledger, scope: Scope, weights: readonly HourWeight[]): readonly GroupEnergy[] {
  const watermark = ledger.watermark;
  if (watermark === undefined) return Object.freeze([]);
  const { windows, origin } = ledger.options;
  const longest = windows.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  const longestAt = windows.indexOf(longest);
  const periods = publishedPeriods(watermark, origin);
  const days = publishedDays(ledger);
  const windowLabels = windows.map((w) => w.label);
  const periodLabels = [...periods.map((p) => p.label), ...days.map((d) => d.label)];
  const nw = windows.length;
  const weighted = weights.map((w) => weightedEnergy(ledger, scope, w));
  const out: GroupEnergy[] = [];
  let i = -1;
  const query = { windows: windows.map((w) => w.seconds), hours: periods.map((p) => p.hourStart), days };
  ledger.scan(scope, query, (labels, totalJoules, joules) => {
    i++;
    let active = joules[longestAt]! > 0;
    for (let j = nw; !active && j < joules.length; j++) active = joules[j]! > 0;
    if (!active) return;
    const w: Record<string, number> = {};
    for (let j = 0; j < nw; j++) w[windowLabels[j]!] = joules[j]! / HOUR_SECONDS;
    const p: Record<string, number> = {};
    for (let j = 0; j < periodLabels.length; j++) p[periodLabels[j]!] = joules[nw + j]! / HOUR_SECONDS;
    Object.freeze(labels);
    const group: GroupEnergy =
      weights.length === 0
        ? { labels, totalJoules, windows: Object.freeze(w), periods: Object.freeze(p) }
        : { labels, totalJoules, windows: Object.freeze(w), periods: Object.freeze(p), weighted: weightedOf(weights, weighted, i) };
    out.push(Object.freeze(group));
  });
  return Object.freeze(out);
}

/** The group's weighted energy by weight name, frozen (`weighted[k][i]` is weight k's energy of group i). */
function weightedOf(weights: readonly HourWeight[], weighted: readonly (readonly WeightedEnergy[])[], i: number): GroupEnergy['weighted'] {
  const out: Record<string, WeightedEnergy> = {};
  weights.forEach((wt, k) => {
    const e = weighted[k]![i]!;
    Object.freeze(e.windows);
    Object.freeze(e.periods);
    out[wt.name] = Object.freeze(e);
  });
  return Object.freeze(out);
}

/** Freezes a small tree of plain objects (the stats). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
