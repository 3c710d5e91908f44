/** One hand-written series for a test backend: samples are `[unix seconds, value]`, ascending. */
export interface TestSeries {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly samples: readonly (readonly [number, number])[];
}

/** OpenMetrics text for `promtool tsdb create-blocks-from openmetrics` (seconds, counters, `# EOF`). */
export function toOpenMetrics(series: readonly TestSeries[]): string {
  const lines: string[] = [];
  const byName = new Map<string, TestSeries[]>();
  for (const s of series) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  for (const [name, group] of byName) {
    const family = name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
    lines.push(`# TYPE ${family} ${name.endsWith('_total') ? 'counter' : 'gauge'}`);
    for (const s of group) for (const [t, v] of s.samples) lines.push(`${name}${labelText(s.labels)} ${v} ${t}`);
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}

/** Prometheus text with millisecond timestamps, as VictoriaMetrics' `/api/v1/import/prometheus` takes it. */
export function toPrometheusImportText(series: readonly TestSeries[]): string {
  const lines: string[] = [];
  for (const s of series) {
    for (const [t, v] of s.samples) lines.push(`${s.name}${labelText(s.labels)} ${v} ${Math.round(t * 1000)}`);
  }
  return lines.join('\n') + '\n';
}

function labelText(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}
