/**
 * Conventions: every metric family, HELP string, type and label name that `/metrics` emits.
 * Nothing else in the code base spells a metric name; `docs/metrics-table.md` is tested against this file.
 */
import type { IgnoreReason } from '../core/schema/zones.js';
import { RESET_CAUSES, type RejectReason, type ResetCause } from '../core/types.js';

/** Prefix of every family we emit (process and Node.js runtime metrics aside). */
const METRIC_PREFIX = 'energy_ledger';

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** One metric family as exposed. */
export interface ExposedMetric {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  /**
   * Group labels the family carries before its own labels: the snapshot's namespace labels
   * (`namespace` plus configured extras such as `cluster`) or node labels.
   */
  readonly group?: 'namespace' | 'node';
  /** Fixed label names, after the group labels. */
  readonly labels: readonly string[];
}

export const LABEL_WINDOW = 'window';
export const LABEL_PERIOD = 'period';
export const LABEL_CURRENCY = 'currency';
export const LABEL_NAMESPACE = 'namespace';
export const LABEL_REASON = 'reason';
export const LABEL_SCHEMA = 'schema';
export const LABEL_VERSION = 'version';
export const LABEL_CAUSE = 'cause';

/** Why a poll failed (the Prometheus client's error reasons); every reason is exposed at 0 from the start. */
export { PROMETHEUS_ERROR_REASONS as POLL_ERROR_REASONS, type PrometheusErrorReason as PollErrorReason } from '../prometheus/errors.js';

/** Why the ledger dropped a sample; every reason is exposed at 0 from the start. */
export const REJECT_REASONS: readonly RejectReason[] = ['implausible', 'out_of_order', 'malformed'];

/** Why a counter went down; every cause is exposed at 0 from the start. */
export const RESET_CAUSE_LABELS: readonly ResetCause[] = RESET_CAUSES;

/** Why Kepler series were left out on purpose; every reason is exposed at 0 from the start. */
export const IGNORE_REASONS: readonly IgnoreReason[] = ['unknown_zone', 'ignored_zone'];

const POLLER = 'Computed by a poller from Kepler counters read through the Prometheus API, as of the data watermark.';

function scoped(group: 'namespace' | 'node') {
  const who = group === 'namespace' ? 'the workload namespace' : 'the node';
  const prefix = `${METRIC_PREFIX}_${group}`;
  return {
    joules: {
      name: `${prefix}_energy_joules_total`,
      type: 'counter',
      help: `Energy attributed to ${who} since the first data the service ever published, in joules; rate() of it is watts. The base published at the start of the local month plus month_to_date x 3600: it continues across restarts of the service and across month starts (no reset) and is the same on every replica. ${POLLER}`,
      group,
      labels: [],
    },
    window: {
      name: `${prefix}_energy_watt_hours`,
      type: 'gauge',
      help: `Energy of ${who} in the trailing window ending at the data watermark, in watt-hours. ${POLLER}`,
      group,
      labels: [LABEL_WINDOW],
    },
    period: {
      name: `${prefix}_period_energy_watt_hours`,
      type: 'gauge',
      help: `Energy of ${who} in the clock-aligned period (current_hour, previous_hour; current_day, previous_day, month_to_date in the configured timezone), in watt-hours. ${POLLER}`,
      group,
      labels: [LABEL_PERIOD],
    },
  } as const satisfies Record<string, ExposedMetric>;
}

/** Every family we emit, keyed by a short id. */
export const METRICS = {
  namespaceJoules: scoped('namespace').joules,
  namespaceWindow: scoped('namespace').window,
  namespacePeriod: scoped('namespace').period,
  namespaceCarbon: {
    name: `${METRIC_PREFIX}_namespace_carbon_grams`,
    type: 'gauge',
    help: `Operational carbon of the workload namespace in the trailing window, g CO2e: each hour's Wh times that hour's grid intensity times PUE (config carbon). ${POLLER}`,
    group: 'namespace',
    labels: [LABEL_WINDOW],
  },
  namespacePeriodCarbon: {
    name: `${METRIC_PREFIX}_namespace_period_carbon_grams`,
    type: 'gauge',
    help: `Operational carbon of the workload namespace in the clock-aligned period, g CO2e, integrated hour by hour (config carbon). ${POLLER}`,
    group: 'namespace',
    labels: [LABEL_PERIOD],
  },
  namespaceCost: {
    name: `${METRIC_PREFIX}_namespace_cost`,
    type: 'gauge',
    help: `Energy cost of the workload namespace in the trailing window, in the currency label: each hour's kWh times that hour's price (config cost). ${POLLER}`,
    group: 'namespace',
    labels: [LABEL_CURRENCY, LABEL_WINDOW],
  },
  namespacePeriodCost: {
    name: `${METRIC_PREFIX}_namespace_period_cost`,
    type: 'gauge',
    help: `Energy cost of the workload namespace in the clock-aligned period, in the currency label, integrated hour by hour (config cost). ${POLLER}`,
    group: 'namespace',
    labels: [LABEL_CURRENCY, LABEL_PERIOD],
  },
  namespaceBudget: {
    name: `${METRIC_PREFIX}_namespace_budget_watt_hours`,
    type: 'gauge',
    help: 'Energy budget of the workload namespace per local day or month (config budgets), in watt-hours; compare with energy_ledger_namespace_period_energy_watt_hours.',
    labels: [LABEL_NAMESPACE, LABEL_PERIOD],
  },
  nodeJoules: scoped('node').joules,
  nodeWindow: scoped('node').window,
  nodePeriod: scoped('node').period,
  up: {
    name: `${METRIC_PREFIX}_up`,
    type: 'gauge',
    help: '1 if the last poll of the Prometheus API succeeded, 0 otherwise.',
    labels: [],
  },
  lastPollSuccess: {
    name: `${METRIC_PREFIX}_last_poll_success_timestamp_seconds`,
    type: 'gauge',
    help: 'Unix time of the last successful poll of the Prometheus API; 0 before the first one.',
    labels: [],
  },
  periodCoverage: {
    name: `${METRIC_PREFIX}_period_coverage_start_timestamp_seconds`,
    type: 'gauge',
    help: 'From when each published period counts, unix seconds: the period start, or the earliest Kepler sample Prometheus holds when that is later (a fresh install mid-month). A period is published only once all data that exists for it is read.',
    labels: [LABEL_PERIOD],
  },
  dataWatermark: {
    name: `${METRIC_PREFIX}_data_watermark_timestamp_seconds`,
    type: 'gauge',
    help: 'Newest Kepler sample time the ledger has accounted up to (the data watermark), unix seconds; 0 before the first sample.',
    labels: [],
  },
  pollDuration: {
    name: `${METRIC_PREFIX}_poll_duration_seconds`,
    type: 'histogram',
    help: 'Duration of one poll of the Prometheus API (queries and accounting), in seconds.',
    labels: [],
  },
  pollErrors: {
    name: `${METRIC_PREFIX}_poll_errors_total`,
    type: 'counter',
    help: 'Failed polls of the Prometheus API, by reason.',
    labels: [LABEL_REASON],
  },
  samples: {
    name: `${METRIC_PREFIX}_samples_total`,
    type: 'counter',
    help: `Raw Kepler samples accounted by the ledger; re-read samples count once. ${POLLER}`,
    labels: [],
  },
  samplesRead: {
    name: `${METRIC_PREFIX}_samples_read_total`,
    type: 'counter',
    help: 'Raw Kepler samples returned by the Prometheus API, re-reads included; divided by energy_ledger_samples_total it is the re-read factor.',
    labels: [],
  },
  samplesLate: {
    name: `${METRIC_PREFIX}_samples_late_total`,
    type: 'counter',
    help: 'Kepler samples that arrived later than the regular re-read window reaches back, found by reading a lagging node from its newest sample or by the periodic wide re-read (overlap).',
    labels: [],
  },
  rereadWindow: {
    name: `${METRIC_PREFIX}_reread_window_seconds`,
    type: 'gauge',
    help: 'How much already-read time the regular polls read again: twice the worst recent sample lateness, at least one scrape interval, at most the overlap.',
    labels: [],
  },
  samplesRejected: {
    name: `${METRIC_PREFIX}_samples_rejected_total`,
    type: 'counter',
    help: `Kepler samples the ledger dropped, by reason. ${POLLER}`,
    labels: [LABEL_REASON],
  },
  counterResets: {
    name: `${METRIC_PREFIX}_counter_resets_total`,
    type: 'counter',
    help: `Kepler counters that went down, by cause: kepler_restart (the node's counters restarted too), series_restart (one series started again at 0 by itself), gpu_process_exit (a pod's GPU sum lost an exited process; not counted again). ${POLLER}`,
    labels: [LABEL_CAUSE],
  },
  seriesIgnored: {
    name: `${METRIC_PREFIX}_series_ignored`,
    type: 'gauge',
    help: 'Kepler series seen but deliberately not accounted (with a sample in the hour up to the newest such sample), by reason: unknown_zone (a zone kepler.zones does not map), ignored_zone (a zone mapped to ignore or to a component not selected).',
    labels: [LABEL_REASON],
  },
  series: {
    name: `${METRIC_PREFIX}_series`,
    type: 'gauge',
    help: `Kepler series the ledger currently tracks. ${POLLER}`,
    labels: [],
  },
  keplerInfo: {
    name: `${METRIC_PREFIX}_kepler_info`,
    type: 'gauge',
    help: 'Detected Kepler metric schema (v0.3, v0.4-v0.9, v0.10+) and Kepler version; value 1.',
    labels: [LABEL_SCHEMA, LABEL_VERSION],
  },
  buildInfo: {
    name: `${METRIC_PREFIX}_build_info`,
    type: 'gauge',
    help: 'energy-ledger build information; value 1.',
    labels: [LABEL_VERSION],
  },
  namespaceOverflowSeries: {
    name: `${METRIC_PREFIX}_namespace_overflow_series`,
    type: 'gauge',
    help: 'Kepler series whose namespace is beyond max_namespaces and is summed into namespace="__other__"; 0 when under the cap.',
    labels: [],
  },
  metricsSeries: {
    name: `${METRIC_PREFIX}_metrics_series`,
    type: 'gauge',
    help: 'Series of the part of /metrics rendered from the ledger snapshot (per-namespace and per-node energy, carbon, cost and budget families, and the ledger sample and watermark series) in the current rendering; the service and process metrics add about 100 more. 0 before the first scrape.',
    labels: [],
  },
  metricsBytes: {
    name: `${METRIC_PREFIX}_metrics_bytes`,
    type: 'gauge',
    help: 'Size of that part of the current /metrics rendering, in bytes before any compression (the service and process metrics add about 10 KB). 0 before the first scrape.',
    labels: [],
  },
  backfillComplete: {
    name: `${METRIC_PREFIX}_backfill_complete`,
    type: 'gauge',
    help: '1 once the start-up backfill from the Prometheus API has completed, 0 before.',
    labels: [],
  },
  restoreProgress: {
    name: `${METRIC_PREFIX}_restore_progress_ratio`,
    type: 'gauge',
    help: 'Share of the start-up restore read so far (the hours before the backfill, back to the start of the oldest published period), 0-1; 1 once complete. Periods that need those hours, and the joules counters, are published once it is 1.',
    labels: [],
  },
  restoreErrors: {
    name: `${METRIC_PREFIX}_restore_errors_total`,
    type: 'counter',
    help: 'Failed reads of the start-up restore, by reason; each is retried from where it stopped.',
    labels: [LABEL_REASON],
  },
  historyMismatches: {
    name: `${METRIC_PREFIX}_history_mismatches_total`,
    type: 'counter',
    help: "Restored hours whose energy as the service published it (read back from Prometheus) differs from the raw Kepler samples of the hour; the raw samples win.",
    labels: [],
  },
  carbonIntensityErrors: {
    name: `${METRIC_PREFIX}_carbon_intensity_errors_total`,
    type: 'counter',
    help: 'Failed reads of the grid carbon intensity from the Prometheus API (carbon.intensity_selector or carbon.intensity_query), by reason; energy is unaffected, carbon uses the hours read before.',
    labels: [LABEL_REASON],
  },
} as const satisfies Record<string, ExposedMetric>;

/** All families, in exposition order of the ledger part first, then service metrics. */
export const ALL_METRICS: readonly ExposedMetric[] = Object.values(METRICS);

/** Buckets of `energy_ledger_poll_duration_seconds`: polls range from milliseconds to backfill chunks. */
export const POLL_DURATION_BUCKETS: readonly number[] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
