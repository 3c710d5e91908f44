/**
 * Dashboard rows of the calendar accounting: local days and month to date, energy budgets, carbon and
 * cost. Their series exist only when the config asks for them (a timezone calendar, `budgets`,
 * `carbon`, `cost`); without it the panels stay empty, which each description says.
 */
import { METRICS } from '../exposition/names.js';
import type { PanelSpec, RowSpec } from './panels.js';
import { dedup, hourly, NS, UNATTRIBUTED_NOTE } from './queries.js';

const DAYS_NOTE = 'Local days and months of the configured timezone, counted from the ledger’s origin (after a restart, only what the backfill read).';

/** Top-10 bar gauge of one label value (`period="…"` or `window="…"`) of a namespace gauge. */
function top(title: string, metric: string, selector: string, unit: string, description: string, width: number): PanelSpec {
  const legend = metric.includes('cost') ? '{{namespace}} ({{currency}})' : '{{namespace}}';
  return {
    type: 'bargauge',
    title,
    description: `${metric}{${selector}}: ${description}`,
    width,
    height: 9,
    unit,
    queries: [{ expr: `topk(10, ${dedup(`${metric}{${selector}, ${NS}}`)})`, legend, instant: true }],
  };
}

/** Share of a namespace's budget used: period energy over the budget, as a fraction (1 = 100 %). */
function budgetUsed(title: string, period: string, budgetPeriod: 'day' | 'month'): PanelSpec {
  // The budget carries only `namespace`; the period gauge may carry group_by labels too: sum them away.
  const used = `sum by (namespace) (${dedup(`${METRICS.namespacePeriod.name}{period="${period}", ${NS}}`)})`;
  const budget = `max by (namespace) (${METRICS.namespaceBudget.name}{period="${budgetPeriod}", ${NS}})`;
  return {
    type: 'bargauge',
    title,
    description:
      `${METRICS.namespacePeriod.name}{period="${period}"} ÷ ${METRICS.namespaceBudget.name}{period="${budgetPeriod}"}: ` +
      `share of the namespace’s budget (config budgets) used; red from 100 %. Only namespaces with a budget. ${DAYS_NOTE}`,
    width: 12,
    height: 8,
    unit: 'percentunit',
    redFrom: 1,
    queries: [{ expr: `${used} / on (namespace) ${budget}`, legend: '{{namespace}}', instant: true }],
  };
}

const WH = METRICS.namespacePeriod.name;
const CARBON = 'Operational carbon, g CO2e (config carbon; empty without it).';
const COST = 'Energy cost in the currency label (config cost; empty without it).';

/** The rows, placed after the namespace row. */
export const ACCOUNTING_ROWS: readonly RowSpec[] = [
  {
    title: 'Days and budgets',
    panels: [
      top('Energy today', WH, 'period="current_day"', 'watth', `watt-hours of the current local day. ${DAYS_NOTE} ${UNATTRIBUTED_NOTE}`, 8),
      top('Energy yesterday', WH, 'period="previous_day"', 'watth', `watt-hours of the previous local day. ${DAYS_NOTE}`, 8),
      top('Energy month to date', WH, 'period="month_to_date"', 'watth', `watt-hours since the first of the local month. ${DAYS_NOTE}`, 8),
      budgetUsed('Daily budget used', 'current_day', 'day'),
      budgetUsed('Monthly budget used', 'month_to_date', 'month'),
    ],
  },
  {
    title: 'Carbon and cost',
    panels: [
      {
        type: 'timeseries',
        title: 'Carbon per hour, last 24 h',
        description: `${METRICS.namespacePeriodCarbon.name}{period="previous_hour"}: each bar is the carbon of the clock hour (UTC) that ends at the bar. ${CARBON}`,
        width: 12,
        height: 9,
        unit: 'massg',
        style: 'bars',
        timeFrom: '24h',
        queries: [{ expr: hourly(METRICS.namespacePeriodCarbon.name, `, ${NS}`), legend: '{{namespace}}', interval: '1h' }],
      },
      top('Carbon, last 24 h', METRICS.namespaceCarbon.name, 'window="24h"', 'massg', `trailing 24 hours. ${CARBON}`, 6),
      top('Carbon month to date', METRICS.namespacePeriodCarbon.name, 'period="month_to_date"', 'massg', `since the first of the local month. ${CARBON}`, 6),
      top('Cost, last 24 h', METRICS.namespaceCost.name, 'window="24h"', 'short', `trailing 24 hours. ${COST}`, 12),
      top('Cost month to date', METRICS.namespacePeriodCost.name, 'period="month_to_date"', 'short', `since the first of the local month. ${COST}`, 12),
    ],
  },
];
