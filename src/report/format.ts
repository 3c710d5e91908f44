import { formatRfc3339Utc } from '../core/time.js';
import type { ReportRow } from './aggregate.js';

/** Output formats of `report`. */
export type ReportFormat = 'table' | 'csv' | 'json' | 'markdown';

/** Renders report rows; `columns` are the group label names in output order. */
export function formatReport(rows: readonly ReportRow[], columns: readonly string[], format: ReportFormat): string {
  if (format === 'json') return formatJson(rows, columns);
  const header = ['period_start', 'period_end', ...columns, 'energy_wh'];
  const cells = rows.map((r) => [formatRfc3339Utc(r.periodStart), formatRfc3339Utc(r.periodEnd), ...r.labels, formatWh(r.wattHours)]);
  if (format === 'markdown') return formatMarkdown(header, cells);
  return format === 'csv' ? formatCsv(header, cells) : formatTable(header, cells);
}

/** Watt-hours with enough digits to carry the ledger's microjoule precision. */
function formatWh(wh: number): string {
  return Number(wh.toFixed(9)).toString();
}

function formatCsv(header: readonly string[], cells: readonly string[][]): string {
  const line = (values: readonly string[]): string => values.map(csvField).join(',');
  return [line(header), ...cells.map(line)].join('\n') + '\n';
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function formatTable(header: readonly string[], cells: readonly string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] as string).length)));
  const numeric = header.length - 1;
  const line = (values: readonly string[]): string =>
    values.map((v, i) => (i === numeric ? v.padStart(widths[i] as number) : v.padEnd(widths[i] as number))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

/** A GitHub-flavoured Markdown table; the energy column right-aligned, `|` escaped. */
function formatMarkdown(header: readonly string[], cells: readonly string[][]): string {
  const line = (values: readonly string[]): string => `| ${values.map((v) => v.replaceAll('|', '\\|')).join(' | ')} |`;
  const rule = `|${header.map((_, i) => (i === header.length - 1 ? ' ---: |' : ' --- |')).join('')}`;
  return [line(header), rule, ...cells.map(line)].join('\n') + '\n';
}

function formatJson(rows: readonly ReportRow[], columns: readonly string[]): string {
  const out = rows.map((r) => ({
    period_start: formatRfc3339Utc(r.periodStart),
    period_end: formatRfc3339Utc(r.periodEnd),
    ...Object.fromEntries(columns.map((c, i) => [c, r.labels[i] as string])),
    energy_wh: r.wattHours,
  }));
  return JSON.stringify(out, null, 2) + '\n';
}
