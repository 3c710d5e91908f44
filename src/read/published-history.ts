import type { MatrixQuery } from '../carbon/query-intensity.js';
import { hourStartOf } from '../core/ledger/index.js';
import type { RawSeries, Scope } from '../core/types.js';
import { METRICS } from '../exposition/names.js';
import { addMatchers } from '../prometheus/selector.js';

/** One group's energy in one hour, as a replica published it. */
export interface PublishedHourRow {
  readonly scope: Scope;
  readonly labels: readonly string[];
  readonly microJoules: number;
}

/** Options of {@link readPublishedHour}. */
export interface PublishedHistoryOptions {
  readonly prometheus: MatrixQuery;
  /** Selects the service's own series in Prometheus (config `rules.service_selector`, e.g. `{job="energy-ledger"}`). */
  readonly serviceSelector: string;
  readonly namespaceLabels: readonly string[];
  readonly nodeLabels: readonly string[];
}

/** How much of the end of the next hour is read: a few scrapes of every replica. */
const TAIL_SECONDS = 300;

/**
 * The service's own published energy of the clock hour starting at `hourStart`, read back from Prometheus
 * (for hours whose raw Kepler samples it no longer holds), or undefined when no replica published it.
 *
 * `previous_hour` switches when the watermark passes an hour's end, so a plain `max_over_time` over the next
 * hour would mix two hours. Instead the raw samples of the last minutes of the next hour are read, of the
 * period gauges and of `energy_ledger_data_watermark_timestamp_seconds`: a gauge sample and the watermark
 * sample of the same scrape carry the same timestamp, so each scrape says exactly which hour its
 * `previous_hour` is. Of all replicas (job, instance, pod: any target labels) the latest such scrape is taken,
 * whole: values are never added across replicas, so a replica scraped twice or two replicas count once.
 */
export async function readPublishedHour(o: PublishedHistoryOptions, hourStart: number, signal?: AbortSignal): Promise<PublishedHourRow[] | undefined> {
  const at = hourStart + 2 * 3600;
  const range = `[${TAIL_SECONDS}s]`;
  const [watermarks, namespaces, nodes] = await Promise.all([
    o.prometheus.queryMatrix(`${addMatchers(METRICS.dataWatermark.name, o.serviceSelector)}${range}`, at, signal),
    o.prometheus.queryMatrix(`${addMatchers(addMatchers(METRICS.namespacePeriod.name, o.serviceSelector), 'period="previous_hour"')}${range}`, at, signal),
    o.prometheus.queryMatrix(`${addMatchers(addMatchers(METRICS.nodePeriod.name, o.serviceSelector), 'period="previous_hour"')}${range}`, at, signal),
  ]);
  let chosen: { target: string; time: number } | undefined;
  for (const s of watermarks.series) {
    const target = targetKey(s, []);
    for (let i = s.timestamps.length - 1; i >= 0; i--) {
      const time = s.timestamps[i]!;
      if (hourStartOf(s.values[i]!) - 3600 !== hourStart) continue;
      if (chosen === undefined || time > chosen.time || (time === chosen.time && target < chosen.target)) chosen = { target, time };
      break;
    }
  }
  if (chosen === undefined) return undefined;
  const rows: PublishedHourRow[] = [];
  const take = (series: readonly RawSeries[], scope: Scope, groupLabels: readonly string[]): void => {
    for (const s of series) {
      if (targetKey(s, [...groupLabels, 'period']) !== chosen.target) continue;
      for (let i = 0; i < s.timestamps.length; i++) {
        if (s.timestamps[i] !== chosen.time) continue;
        const labels = groupLabels.map((name) => s.labels[name] ?? '');
        rows.push({ scope, labels, microJoules: Math.round(s.values[i]! * 3600 * 1e6) });
      }
    }
  };
  take(namespaces.series, 'namespace', o.namespaceLabels);
  take(nodes.series, 'node', o.nodeLabels);
  return rows;
}

/** The scrape target of a series: its labels without the metric name and the given ones. */
export function targetKey(s: RawSeries, without: readonly string[]): string {
  return JSON.stringify(
    Object.entries(s.labels)
      .filter(([k]) => k !== '__name__' && !without.includes(k))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}
