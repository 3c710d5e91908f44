import { formatRfc3339Utc } from '../core/time.js';
import type { ReportRow } from './aggregate.js';

/** Output formats of `report`. */
export type ReportFormat = 'table' | 'csv' | 'json' | 'markdown';

/** Weighted columns after `energy_wh`, when the config has `carbon` and/or `cost`. */
export interface WeightedColumns {
  /** A `carbon_grams` column (g CO2e). */
  readonly carbon?: boolean;
  /** A `cost` column; its currency (default `XXX`, "no currency") is a `currency` column in csv and json, and in the header (`cost_EUR`) in table and markdown. */
  readonly cost?: { readonly currency?: string };
}

const CARBON = 'carbon_grams';
const COST = 'cost';
const CURRENCY = 'currency';
/** ISO 4217 "no currency", as on `/metrics`. */
const NO_CURRENCY = 'XXX';

/** Renders report rows; `columns` are the group label names in output order. Without `weighted` columns the output is as before carbon and cost existed. */
export function formatReport(rows: readonly ReportRow[], columns: readonly string[], format: ReportFormat, weighted: WeightedColumns = {}): string {
  if (format === 'json') return formatJson(rows, columns, weighted);
  const values: { header: string; cell: (r: ReportRow) => string }[] = [{ header: 'energy_wh', cell: (r) => formatNumber(r.wattHours) }];
  if (weighted.carbon === true) values.push({ header: CARBON, cell: (r) => formatNumber(r.weighted?.[CARBON]) });
  const text: { header: string; cell: (r: ReportRow) => string }[] = [];
  if (weighted.cost !== undefined) {
    const currency = weighted.cost.currency;
    if (format === 'csv') {
      values.push({ header: COST, cell: (r) => formatNumber(r.weighted?.[COST]) });
      text.push({ header: CURRENCY, cell: () => currency ?? NO_CURRENCY });
    } else {
      values.push({ header: currency === undefined ? COST : `${COST}_${currency}`, cell: (r) => formatNumber(r.weighted?.[COST]) });
    }
  }
  const labelCount = 2 + columns.length;
  const trailing = [...values, ...text];
  const header = ['period_start', 'period_end', ...columns, ...trailing.map((c) => c.header)];
  const cells = rows.map((r) => [formatRfc3339Utc(r.periodStart), formatRfc3339Utc(r.periodEnd), ...r.labels, ...trailing.map((c) => c.cell(r))]);
  const numeric = (i: number): boolean => i >= labelCount && i < labelCount + values.length;
  if (format === 'markdown') return formatMarkdown(header, cells, numeric);
  return format === 'csv' ? formatCsv(header, cells) : formatTable(header, cells, numeric);
}

/**
 * Watt-hours (and grams, cost) with enough digits to carry the ledger's microjoule precision
 * (1 µJ = 2.8e-10 Wh, so 12 decimals); '' when unknown (NaN: no carbon intensity known).
 */
function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '';
  return Number(value.toFixed(12)).toString();
}

function formatCsv(header: readonly string[], cells: readonly string[][]): string {
  const line = (values: readonly string[]): string => values.map(csvField).join(',');
  return [line(header), ...cells.map(line)].join('\n') + '\n';
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function formatTable(header: readonly string[], cells: readonly string[][], numeric: (i: number) => boolean): string {
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] as string).length)));
  const line = (values: readonly string[]): string =>
    values.map((v, i) => (numeric(i) ? v.padStart(widths[i] as number) : v.padEnd(widths[i] as number))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

/** A GitHub-flavoured Markdown table; the number columns right-aligned, `|` escaped. */
function formatMarkdown(header: readonly string[], cells: readonly string[][], numeric: (i: number) => boolean): string {
  const line = (values: readonly string[]): string => `| ${values.map((v) => v.replaceAll('|', '\\|')).join(' | ')} |`;
  const rule = `|${header.map((_, i) => (numeric(i) ? ' ---: |' : ' --- |')).join('')}`;
  return [line(header), rule, ...cells.map(line)].join('\n') + '\n';
}

/**
 * JSON rows. With coverage known, every row also gives the period's `hours` and `hours_with_data`, and
 * a period without any data has `energy_wh` (and carbon, cost) null: unknown, not 0.
 */
function formatJson(rows: readonly ReportRow[], columns: readonly string[], weighted: WeightedColumns): string {
  // NaN (no carbon intensity known) becomes null in JSON.
  const out = rows.map((r) => {
    const unknown = r.coverage?.hoursWithData === 0;
    const value = (v: number | undefined): number | null => (unknown || v === undefined ? null : v);
    return {
      period_start: formatRfc3339Utc(r.periodStart),
      period_end: formatRfc3339Utc(r.periodEnd),
      ...Object.fromEntries(columns.map((c, i) => [c, r.labels[i] as string])),
      energy_wh: value(r.wattHours),
      ...(weighted.carbon === true && { [CARBON]: value(r.weighted?.[CARBON]) }),
      ...(weighted.cost !== undefined && { [COST]: value(r.weighted?.[COST]), [CURRENCY]: weighted.cost.currency ?? NO_CURRENCY }),
      ...(r.coverage !== undefined && { hours: r.coverage.hours, hours_with_data: r.coverage.hoursWithData }),
    };
  });
  return JSON.stringify(out, null, 2) + '\n';
}
