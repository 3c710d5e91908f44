/** Renders `energy_ledger_namespace_budget_watt_hours` from the configured budgets (static: rendered once). */
import type { NamespaceBudget } from '../config/index.js';
import { LABEL_NAMESPACE, LABEL_PERIOD, METRICS } from './names.js';
import { familyHeader, formatLabelPairs, formatValue } from './text-format.js';

/** The budget family, namespaces sorted, `period="day"` and `"month"`; '' without budgets. */
export function renderBudgetText(budgets: Readonly<Record<string, NamespaceBudget>> | undefined): string {
  const entries = Object.entries(budgets ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return '';
  const spec = METRICS.namespaceBudget;
  const parts = [familyHeader(spec)];
  for (const [namespace, b] of entries) {
    for (const [period, wh] of [['day', b.dailyWh], ['month', b.monthlyWh]] as const) {
      if (wh !== undefined) parts.push(`${spec.name}{${formatLabelPairs([LABEL_NAMESPACE, LABEL_PERIOD], [namespace, period])}} ${formatValue(wh)}\n`);
    }
  }
  return parts.join('');
}
