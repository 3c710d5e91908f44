/** One row of `report --format csv` (by namespace). */
export interface CsvRow {
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly namespace: string;
  readonly wattHours: number;
}

/** The header the contract fixes for `--by namespace` without extra grouping labels. */
export const CSV_HEADER = 'period_start,period_end,namespace,energy_wh';

/** Splits report CSV into its header line and rows (namespaces here never need quoting). */
export function parseReportCsv(text: string): { header: string; rows: CsvRow[] } {
  const lines = text.split('\n');
  if (lines.at(-1) !== '') throw new Error('failed to parse the report: it does not end with a newline');
  const [header = '', ...body] = lines.slice(0, -1);
  const rows = body.map((line) => {
    const cells = line.split(',');
    if (cells.length !== 4) throw new Error(`failed to parse the report line ${JSON.stringify(line)}: expected 4 cells`);
    const [periodStart, periodEnd, namespace, wh] = cells as [string, string, string, string];
    return { periodStart, periodEnd, namespace, wattHours: Number(wh) };
  });
  return { header, rows };
}

/** Unix seconds of an RFC 3339 UTC time as the report writes it (`2026-01-01T10:00:00Z`). */
export function unixOf(rfc3339: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(rfc3339)) throw new Error(`not an RFC 3339 UTC time: ${rfc3339}`);
  return Date.parse(rfc3339) / 1000;
}

/** Report rows as a map `hourStart → namespace → Wh`. */
export function byHour(rows: readonly CsvRow[]): Map<number, Map<string, number>> {
  const out = new Map<number, Map<string, number>>();
  for (const r of rows) {
    const hour = unixOf(r.periodStart);
    let m = out.get(hour);
    if (m === undefined) out.set(hour, (m = new Map()));
    m.set(r.namespace, r.wattHours);
  }
  return out;
}
