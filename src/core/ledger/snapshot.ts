import type { GroupEnergy, LedgerSnapshot, Scope } from '../types.js';
import type { Ledger } from './ledger.js';
import { publishedDays, publishedPeriods } from './periods.js';
import { publishedSpans, restoredScopeEnergy, type RestoreInput } from './restored-snapshot.js';
import { HOUR_SECONDS } from './time.js';
import { type HourWeight, weightedEnergy } from './weighted.js';

export { publishedDays, publishedPeriods };

/** Label names of the groups, for the snapshot's consumers. */
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
  return deepFreeze({
    watermark: ledger.watermark,
    namespaceLabels: [...labels.namespaceLabels],
    nodeLabels: [...labels.nodeLabels],
    namespaces: scopeEnergy(ledger, 'namespace', weights),
    nodes: scopeEnergy(ledger, 'node', weights),
    stats: ledger.stats(),
  });
}

function scopeEnergy(ledger: Ledger, scope: Scope, weights: readonly HourWeight[]): GroupEnergy[] {
  const watermark = ledger.watermark;
  if (watermark === undefined) return [];
  const { windows, origin } = ledger.options;
  const longest = windows.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  const totals = ledger.totals(scope);
  const windowJoules = windows.map((w) => ledger.window(scope, w.seconds));
  const longestJoules = windowJoules[windows.indexOf(longest)]!;
  const periods = publishedPeriods(watermark, origin);
  const days = publishedDays(ledger);
  const periodJoules = [
    ...periods.map((p) => ledger.hourEnergy(scope, p.hourStart)),
    ...days.map((d) => ledger.daysEnergy(scope, d.fromDay, d.toDay)),
  ];
  const periodLabels = [...periods.map((p) => p.label), ...days.map((d) => d.label)];
  const weighted = weights.map((w) => weightedEnergy(ledger, scope, w));
  const out: GroupEnergy[] = [];
  totals.forEach((total, i) => {
    const active = longestJoules[i]!.joules > 0 || periodJoules.some((rows) => rows[i]!.joules > 0);
    if (!active) return;
    const w: Record<string, number> = {};
    windows.forEach((win, j) => (w[win.label] = windowJoules[j]![i]!.joules / HOUR_SECONDS));
    const p: Record<string, number> = {};
    periodLabels.forEach((label, j) => (p[label] = periodJoules[j]![i]!.joules / HOUR_SECONDS));
    const group: GroupEnergy = { labels: total.labels, totalJoules: total.joules, windows: w, periods: p };
    out.push(weights.length === 0 ? group : { ...group, weighted: Object.fromEntries(weights.map((wt, j) => [wt.name, weighted[j]![i]!])) });
  });
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
