/** Reads the metrics table out of markdown (docs/metrics-table.md). */

export interface Row {
  names: string[];
  cells: string[];
}

/** Rows of the first markdown table whose header starts with a `metric` column; undefined if none. */
export function metricsTable(markdown: string): Row[] | undefined {
  const lines = markdown.split('\n');
  const cells = (line: string) => line.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
  const header = lines.findIndex((l) => l.trim().startsWith('|') && cells(l)[0]?.toLowerCase() === 'metric');
  if (header < 0) return undefined;
  const rows: Row[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.trim().startsWith('|')) break;
    const c = cells(line);
    rows.push({ names: [...(c[0] ?? '').matchAll(/`(energy_ledger_[a-z0-9_]+)`/g)].map((m) => m[1]!), cells: c });
  }
  return rows;
}
