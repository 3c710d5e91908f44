/** Renders the carbon and cost families (namespaces only) from a snapshot's `weighted` energy. */
import type { GroupEnergy, LedgerSnapshot } from '../core/types.js';
import { LABEL_CURRENCY, LABEL_PERIOD, LABEL_WINDOW, METRICS, type ExposedMetric } from './names.js';
import { familyHeader, formatLabelPairs, formatValue } from './text-format.js';

/** Keys of `GroupEnergy.weighted` (see `src/carbon/hour-weights.ts`). */
const CARBON = 'carbon_grams';
const COST = 'cost';

/**
 * Text of the carbon and cost families, or '' when the snapshot has no such weights. `currency` labels
 * cost (default `XXX`, "no currency"). A NaN value (carbon before any grid intensity was read from
 * Prometheus) is not a sample: its series is left out, and a family with no finite value at all too.
 */
export function renderWeightedText(snapshot: LedgerSnapshot, currency = 'XXX'): string {
  const groups = snapshot.namespaces.filter((g) => g.weighted !== undefined);
  if (groups.length === 0) return '';
  const parts: string[] = [];
  const names = snapshot.namespaceLabels;
  const families: [string, ExposedMetric, ExposedMetric, [string, string][]][] = [
    [CARBON, METRICS.namespaceCarbon, METRICS.namespacePeriodCarbon, []],
    [COST, METRICS.namespaceCost, METRICS.namespacePeriodCost, [[LABEL_CURRENCY, currency]]],
  ];
  for (const [key, window, period, extra] of families) {
    render(parts, names, groups, key, window, LABEL_WINDOW, 'windows', extra);
    render(parts, names, groups, key, period, LABEL_PERIOD, 'periods', extra);
  }
  return parts.join('');
}

function render(
  parts: string[],
  names: readonly string[],
  groups: readonly GroupEnergy[],
  key: string,
  spec: ExposedMetric,
  label: string,
  field: 'windows' | 'periods',
  extra: readonly [string, string][],
): void {
  if (!groups.some((g) => Object.values(g.weighted![key]?.[field] ?? {}).some(Number.isFinite))) return;
  parts.push(familyHeader(spec));
  for (const g of groups) {
    const values = g.weighted![key]?.[field];
    if (values === undefined) continue;
    const prefix = formatLabelPairs([...names, ...extra.map(([n]) => n)], [...g.labels, ...extra.map(([, v]) => v)]);
    for (const k of Object.keys(values)) {
      if (Number.isFinite(values[k])) parts.push(`${spec.name}{${prefix},${formatLabelPairs([label], [k])}} ${formatValue(values[k]!)}\n`);
    }
  }
}
