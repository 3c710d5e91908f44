import { readFile, writeFile } from 'node:fs/promises';
import { startOfMonth } from '../../../src/calendar/zone.js';
import { FirstScrapeBaseline } from '../../../src/core/ledger/first-scrape-baseline.js';
import { Ledger } from '../../../src/core/ledger/index.js';
import { DEFAULT_CLASSIFY_OPTIONS } from '../../../src/core/schema/index.js';
import { hourStart } from '../../../src/core/time.js';
import { METRICS } from '../../../src/exposition/names.js';
import { KeplerReader } from '../../../src/read/kepler-reader.js';
import { SimulatedPrometheus, type Scenario } from '../../../src/sim/index.js';

/** What a replica of the service would have published while Prometheus scraped it before a test's live part. */
export interface PublishedCountersOptions {
  /** First and last scrape, unix seconds. */
  readonly from: number;
  readonly to: number;
  /** Scrape interval, seconds. */
  readonly stepSeconds: number;
  /** Target labels Prometheus adds (`job`, `instance`), exactly as its live scrapes of the service will. */
  readonly target: Readonly<Record<string, string>>;
}

/**
 * Appends to an OpenMetrics backfill (before its `# EOF`) the namespace joules counters and `month_to_date`
 * gauges a service would have published for `scenario` at each scrape in `[from, to]` (timezone UTC, no
 * `group_by`): the energy of each namespace since the month start or the first data, as the ledger fed with
 * every sample up to the scrape accounts it, with the poller's first-scrape baseline (the counter is `month_to_date` × 3600). Returns the namespaces.
 */
export async function appendPublishedCounters(file: string, scenario: Scenario, options: PublishedCountersOptions): Promise<string[]> {
  const { from, to, stepSeconds, target } = options;
  const reader = new KeplerReader({ source: new SimulatedPrometheus(scenario), schema: scenario.schema, classify: DEFAULT_CLASSIFY_OPTIONS });
  const origin = Math.max(hourStart(scenario.start), startOfMonth('UTC', from));
  const ledger = new Ledger({ origin, windows: [{ label: '1h', seconds: 3600 }] });
  const baseline = new FirstScrapeBaseline(origin);
  ledger.ingest(baseline.apply(await reader.read(origin - 1, from)));
  const joules = new Map<string, [number, number][]>();
  for (let t = from; t <= to; t += stepSeconds) {
    if (t > from) ledger.ingest(baseline.apply(await reader.read(t - stepSeconds, t)));
    for (const g of ledger.totals('namespace')) {
      const ns = g.labels[0]!;
      (joules.get(ns) ?? joules.set(ns, []).get(ns)!).push([t, g.joules]);
    }
  }
  const labels = (ns: string, extra = ''): string =>
    `{${Object.entries(target)
      .map(([k, v]) => `${k}="${v}",`)
      .join('')}namespace="${ns}"${extra}}`;
  const counter = METRICS.namespaceJoules.name;
  const period = METRICS.namespacePeriod.name;
  const lines = [`# TYPE ${counter.replace(/_total$/, '')} counter`];
  for (const [ns, samples] of joules) for (const [t, j] of samples) lines.push(`${counter}${labels(ns)} ${j} ${t}`);
  lines.push(`# TYPE ${period} gauge`);
  for (const [ns, samples] of joules) for (const [t, j] of samples) lines.push(`${period}${labels(ns, ',period="month_to_date"')} ${j / 3600} ${t}`);
  const text = await readFile(file, 'utf8');
  if (!text.endsWith('# EOF\n')) throw new Error(`${file} does not end with # EOF`);
  await writeFile(file, `${text.slice(0, -'# EOF\n'.length)}${lines.join('\n')}\n# EOF\n`);
  return [...joules.keys()];
}
