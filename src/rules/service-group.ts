/** Recordings over the service's own series: power, mean power over windows, hourly and daily energy. */
import type { RulesConfig } from '../config/index.js';
import { METRICS } from '../exposition/names.js';
import type { RecordingRule, RuleGroup } from './model.js';
import { GROUPS, SERVICE_RECORDS as R } from './names.js';
import { dur, matchersOf, selectorOf } from './promql.js';

/** Labels that tell HA replicas of the service apart; replicas compute identical values. */
const REPLICA_LABELS = ['instance', 'pod'] as const;
/** Label that tells shards apart (`--shard i/N`); each node is read by one shard, so shards add up. */
const SHARD_LABEL = 'shard';
/** De-duplicates the replicas of each shard, then sums the shards (a no-op on series without `shard`). */
const dedup = (expr: string): string => `sum without (${SHARD_LABEL}) (max without (${REPLICA_LABELS.join(', ')}) (${expr}))`;

export const HOUR = 3600;
export const DAY = 86_400;
/** The window of the base power recordings' `rate()`, seconds. */
const RATE_WINDOW = 300;

/**
 * `rate(counter[5m])`. The service's counters are a function of the data in Prometheus (the published base
 * plus the month to date), continuous across month starts: a restart of the same series (container restart
 * in its pod, fixed `instance`) brings the counter back with the same value after the restore (it is absent
 * meanwhile), and two replicas publish the same value, so no restart guard is needed.
 */
function counterRate(counterSelector: string): string {
  return `rate(${counterSelector}[${dur(RATE_WINDOW)}])`;
}

/** Windows over which mean namespace power is recorded: the burn-rate windows, 1h and 1d (5m is the base). */
export function powerWindows(rules: RulesConfig): number[] {
  const { fast, slow } = rules.burnRate;
  const all = [fast.longWindowSeconds, fast.shortWindowSeconds, slow.longWindowSeconds, slow.shortWindowSeconds, HOUR, DAY];
  return [...new Set(all)].filter((w) => w !== RATE_WINDOW).sort((a, b) => a - b);
}

/** The recording of mean namespace power over `seconds` (the 5m rate itself for 5m). */
export const servicePowerRecord = (seconds: number): string => (seconds === RATE_WINDOW ? R.namespacePower : R.namespacePowerOver(seconds));

/**
 * Mean of a recorded power series over a window, counting missing evaluations as 0 W, so a namespace
 * that existed for part of the window is not extrapolated to all of it. The recording is made once per
 * evaluation interval: a full window holds `window / interval` points (one more on Prometheus 2.x, whose
 * ranges include their start; then the mean is exact as well).
 */
export function meanOver(record: string, seconds: number, intervalSeconds: number): string {
  const range = `${record}[${dur(seconds)}]`;
  return `sum_over_time(${range}) / clamp_min(count_over_time(${range}), ${seconds / intervalSeconds})`;
}

/** Recordings (namespace, cluster and node power; hourly and daily energy; de-duplicated periods). */
export function serviceRecordingGroup(rules: RulesConfig): RuleGroup {
  const sel = matchersOf(rules.serviceSelector);
  const interval = rules.evaluationIntervalSeconds;
  const out: RecordingRule[] = [
    // rate() first, then aggregate: a counter that starts afresh (a new group) is each replica's own series.
    { record: R.namespacePower, expr: dedup(counterRate(selectorOf(METRICS.namespaceJoules.name, sel))) },
    { record: R.clusterPower, expr: `sum without (namespace) (${R.namespacePower})` },
    { record: R.nodePower, expr: dedup(counterRate(selectorOf(METRICS.nodeJoules.name, sel))) },
    ...powerWindows(rules).map((w) => ({ record: R.namespacePowerOver(w), expr: meanOver(R.namespacePower, w, interval) })),
    // Mean watts over one hour are the watt-hours of that hour.
    { record: R.namespaceHourWh, expr: R.namespacePowerOver(HOUR) },
    { record: R.namespaceDayWh, expr: `24 * ${R.namespacePowerOver(DAY)}` },
    { record: R.clusterHourWh, expr: `sum without (namespace) (${R.namespaceHourWh})` },
    { record: R.clusterDayWh, expr: `sum without (namespace) (${R.namespaceDayWh})` },
    { record: R.namespacePeriodWh, expr: dedup(selectorOf(METRICS.namespacePeriod.name, sel)) },
  ];
  return { name: GROUPS.recordings, interval: dur(interval), rules: out };
}
