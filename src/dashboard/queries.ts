/**
 * PromQL building blocks of the dashboard. Every query de-duplicates replicas with
 * `max without (instance, pod)` (replicas of one shard expose identical values), then adds up the
 * shards with `sum without (shard)` (each node is read by one shard; a no-op without `--shard`).
 */

/** Matcher of the dashboard's `$namespace` variable. */
export const NS = 'namespace=~"$namespace"';

/** Drops the replica labels of `expr` and sums its shards. */
export const dedup = (expr: string): string => `sum without (shard) (max without (instance, pod) (${expr}))`;

/** Average power, watts, from a joules counter. */
export const power = (counter: string, matchers: string): string => dedup(`rate(${counter}${matchers}[$__rate_interval])`);

/**
 * `previous_hour` is published once the data watermark has passed the hour's end, and then holds for an
 * hour. Looking one hour ahead of each hourly step T (negative offset) finds the hour that ends at T.
 */
export const hourly = (gauge: string, matchers: string): string =>
  dedup(`last_over_time(${gauge}{period="previous_hour"${matchers}}[1h] offset -1h)`);

/** Description sentence of the hourly bar panels. */
export const HOURLY_NOTE = 'Each bar is the exact energy of the clock hour (UTC) that ends at the bar, from the previous_hour gauge.';

/** Description sentence on the `__unattributed__` namespace, for panels that show watt-hour gauges. */
export const UNATTRIBUTED_NOTE =
  'With config unattributed: explicit, namespace="__unattributed__" holds node energy Kepler attributed to no namespace ' +
  '(it has no joules counter, so it shows in the watt-hour panels, not in the power panels); ' +
  'namespace="__other__" sums the namespaces beyond max_namespaces.';
