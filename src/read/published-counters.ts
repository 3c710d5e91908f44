import { COUNTER_PERIOD, HOUR_SECONDS, periodSpans, type LedgerCalendar, type PublishedCounterGroup, type PublishedCounters } from '../core/ledger/index.js';
import { groupKeyOf } from '../core/schema/key-codec.js';
import type { RawSeries, Scope } from '../core/types.js';
import { METRICS } from '../exposition/names.js';
import { addMatchers } from '../prometheus/selector.js';
import { targetKey, type PublishedHistoryOptions } from './published-history.js';

/** Step of the search for the newest complete scrape: Prometheus' default lookback, 5 min. */
const SEARCH_STEP_SECONDS = 300;

/** How far before the newest complete scrape its raw samples are read: more than Prometheus' 5 min lookback. */
const TAIL_SECONDS = 360;

/** The month of a watermark (day number of its first day) and the start of that month, unix seconds. */
function monthOf(watermark: number, calendar: LedgerCalendar): { month: number; start: number } {
  const span = periodSpans(watermark, calendar).find((s) => s.label === COUNTER_PERIOD)!;
  return { month: span.days!.from, start: span.fromHour * HOUR_SECONDS };
}

/**
 * The newest scrape of the service's own counters in Prometheus since the start of the local month before
 * `now`'s, for the counters' bases (`counter-base.ts`). Counters are published once a replica's restore is
 * complete, so the newest time `energy_ledger_restore_progress_ratio` was 1 is found first (a subquery at
 * 5 min steps); then the raw samples of the minutes before it are read, of the counters,
 * the `month_to_date` gauges and the watermark. The newest scrape that holds a counter is taken whole (of
 * one target, one timestamp: values are never mixed across scrapes or replicas); its watermark says its month.
 */
export async function readPublishedCounters(o: PublishedHistoryOptions, calendar: LedgerCalendar, now: number, signal?: AbortSignal): Promise<PublishedCounters> {
  const previousMonthStart = monthOf(monthOf(now, calendar).start, calendar).start;
  const range = Math.max(HOUR_SECONDS, Math.ceil(now - previousMonthStart));
  const done = `${addMatchers(METRICS.restoreProgress.name, o.serviceSelector)} == 1`;
  // Steps of 5 min, the lookback, see every sample (at most 17,900 points per replica over two months:
  // VictoriaMetrics refuses more than 30,000); subquery steps are aligned to multiples of the step, so the
  // minutes since the last one are read at minute steps.
  const newest = await Promise.all(
    [`timestamp(${done})[${range}s:${SEARCH_STEP_SECONDS}s]`, `timestamp(${done})[${SEARCH_STEP_SECONDS * 2}s:60s]`].map((q) => o.prometheus.queryMatrix(q, now, signal)),
  );
  let at = -Infinity;
  for (const s of newest.flatMap((m) => m.series)) for (let i = 0; i < s.values.length; i++) at = Math.max(at, s.values[i]!);
  if (!Number.isFinite(at)) return { month: undefined, groups: [] };
  const tail = `[${TAIL_SECONDS}s]`;
  const of = (name: string, extra?: string): string => `${addMatchers(extra === undefined ? name : addMatchers(name, extra), o.serviceSelector)}${tail}`;
  const monthToDate = `period="${COUNTER_PERIOD}"`;
  const [watermarks, nsCounters, nodeCounters, nsMonth, nodeMonth] = await Promise.all(
    [of(METRICS.dataWatermark.name), of(METRICS.namespaceJoules.name), of(METRICS.nodeJoules.name), of(METRICS.namespacePeriod.name, monthToDate), of(METRICS.nodePeriod.name, monthToDate)].map(
      (q) => o.prometheus.queryMatrix(q, at, signal),
    ),
  );
  const scopes: { scope: Scope; labels: readonly string[]; counters: readonly RawSeries[]; month: readonly RawSeries[] }[] = [
    { scope: 'namespace', labels: o.namespaceLabels, counters: nsCounters!.series, month: nsMonth!.series },
    { scope: 'node', labels: o.nodeLabels, counters: nodeCounters!.series, month: nodeMonth!.series },
  ];
  // The newest scrape holding a counter: its time and target (ties: the smallest target).
  let chosen: { target: string; time: number } | undefined;
  for (const { labels, counters } of scopes) {
    for (const s of counters) {
      const target = targetKey(s, labels);
      const time = s.timestamps[s.timestamps.length - 1];
      if (time === undefined) continue;
      if (chosen === undefined || time > chosen.time || (time === chosen.time && target < chosen.target)) chosen = { target, time };
    }
  }
  if (chosen === undefined) return { month: undefined, groups: [] };
  const sampleAt = (s: RawSeries): number | undefined => {
    for (let i = s.timestamps.length - 1; i >= 0; i--) if (s.timestamps[i] === chosen.time) return s.values[i];
    return undefined;
  };
  const watermark = watermarks!.series.filter((s) => targetKey(s, []) === chosen.target).map(sampleAt).find((v) => v !== undefined);
  const groups: PublishedCounterGroup[] = [];
  for (const { scope, labels, counters, month } of scopes) {
    const monthJoules = new Map<string, number>();
    for (const s of month) {
      const value = targetKey(s, [...labels, 'period']) === chosen.target ? sampleAt(s) : undefined;
      if (value !== undefined) monthJoules.set(groupKeyOf(labels.map((n) => s.labels[n] ?? '')), value * HOUR_SECONDS);
    }
    for (const s of counters) {
      const value = targetKey(s, labels) === chosen.target ? sampleAt(s) : undefined;
      if (value === undefined) continue;
      const values = labels.map((n) => s.labels[n] ?? '');
      groups.push({ scope, labels: values, counterJoules: value, monthToDateJoules: monthJoules.get(groupKeyOf(values)) ?? 0 });
    }
  }
  // A scrape's watermark says which month its counters are of; without one, the scrape's own time.
  return { month: monthOf(watermark ?? chosen.time, calendar).month, groups };
}
