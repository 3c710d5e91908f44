/**
 * Shared vocabulary of the pure accounting core. Every adapter (Prometheus source, simulator,
 * exposition, CLI) speaks in these types; nothing here does I/O or reads a clock.
 * Times are unix seconds (float, millisecond precision); energy is joules unless a name says otherwise.
 */

/** The Kepler metric schemas users run. */
export type SchemaId = 'v0.3' | 'v0.4-v0.9' | 'v0.10+';

/** All schemas, oldest first. */
export const SCHEMAS: readonly SchemaId[] = ['v0.3', 'v0.4-v0.9', 'v0.10+'];

/** What a ledger row is attributed to: a workload namespace or a node. */
export type Scope = 'namespace' | 'node';

/** Energy components that can be in scope. They never overlap (no core/uncore/psys on top of package). */
export type Component = 'package' | 'dram' | 'gpu';

/** One series as a Prometheus range-selector query returns it: raw samples, no extrapolation. */
export interface RawSeries {
  /** All labels, including `__name__` and the scrape target's own labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** Sample times in unix seconds, ascending. */
  readonly timestamps: ArrayLike<number>;
  /** Sample values, same length as `timestamps`. */
  readonly values: ArrayLike<number>;
}

/** How the ledger must account one Kepler series; produced by the schema catalogue. */
export interface SeriesDescriptor {
  /** Identity of the series: stable across label changes that do not change identity (v0.10+ `state`, v0.4–v0.9 `command`). */
  readonly key: string;
  readonly schema: SchemaId;
  readonly scope: Scope;
  /** `counter`: cumulative energy (reset-aware deltas). `gauge`: energy of the last `samplePeriodSeconds` (v0.3). */
  readonly kind: 'counter' | 'gauge';
  /** Factor from the raw value to joules (0.001 for millijoules). */
  readonly toJoules: number;
  /** Gauge only: the Kepler sample period the value covers. */
  readonly samplePeriodSeconds?: number;
  /**
   * Values of the grouping labels, in order. Namespace scope: the configured `group_by` labels
   * (the workload namespace in place of `namespace`). Node scope: the extra grouping labels, then the node.
   */
  readonly group: readonly string[];
  /** Node the series was measured on. */
  readonly node: string;
  /**
   * The node's identity across clusters, where it differs from `node`: the values of the extra grouping
   * labels (e.g. `cluster`) and the node, encoded, so that two clusters' nodes of the same name are not
   * taken for one (the ledger tracks each node's scrapes). Absent means `node`.
   */
  readonly nodeKey?: string;
  /** Energy component of the series. */
  readonly component: Component;
  /**
   * The counter is a sum over running processes and drops when one exits while others run (Kepler
   * v0.10+ pod GPU energy). A drop is then bounded by the series' power (see `process-exit.ts`).
   */
  readonly dropsOnProcessExit?: boolean;
}

/** Samples of one series, ready for the ledger. */
export interface SeriesSamples {
  readonly descriptor: SeriesDescriptor;
  readonly timestamps: ArrayLike<number>;
  readonly values: ArrayLike<number>;
  /**
   * Power of the series at each sample, watts, same length as `timestamps` (e.g. `kepler_pod_gpu_watts`
   * read alongside `kepler_pod_gpu_joules_total`); `NaN` where Kepler exported none, which it does only
   * at 0 W. Absent when no power series was read: a drop is then a plain reset.
   */
  readonly power?: ArrayLike<number>;
}

/**
 * Why a counter went down: Kepler restarted (the node's own counters restarted in the same interval),
 * one series restarted by itself (Kepler v0.10+ starts a running pod's zone again at 0), or a GPU
 * process of a pod exited while others ran (the pod's sum over its processes dropped).
 */
export type ResetCause = 'kepler_restart' | 'series_restart' | 'gpu_process_exit';

/** Every {@link ResetCause}. */
export const RESET_CAUSES: readonly ResetCause[] = ['kepler_restart', 'series_restart', 'gpu_process_exit'];

/** Why a sample was not accounted. */
export type RejectReason = 'implausible' | 'out_of_order' | 'malformed';

/** Running counters of what the ledger has seen; all monotonic except `series`. */
export interface LedgerStats {
  /** Samples accounted (not counting skipped re-reads of already accounted samples). */
  readonly samples: number;
  readonly rejected: Readonly<Record<RejectReason, number>>;
  /** Counter drops detected, whatever the cause. */
  readonly resets: number;
  /**
   * Drops by cause. A pod's drop waits for its node's own counters to be read past it before it is told
   * apart (`kepler_restart` or `series_restart`), so the causes can add up to less than `resets`. The ledger always sets it.
   */
  readonly resetsByCause?: Readonly<Record<ResetCause, number>>;
  /** Series currently tracked. */
  readonly series: number;
}

/** Energy of one group (namespace or node) as published at one moment. */
export interface GroupEnergy {
  /** Values of the group's labels, in the order of the snapshot's label names. */
  readonly labels: readonly string[];
  /**
   * The counter's joules: energy since the ledger's origin, or with a restore (`restored-snapshot.ts`) the
   * month to date (NaN while the restore is not complete); monotonic within its epoch.
   */
  readonly totalJoules: number;
  /** Energy in each trailing window ending at the watermark, watt-hours, keyed by window label (e.g. `5m`). */
  readonly windows: Readonly<Record<string, number>>;
  /** Clock-aligned period totals, watt-hours, keyed by period (`current_hour`, `previous_hour`). */
  readonly periods: Readonly<Record<string, number>>;
  /**
   * Energy weighted hour by hour (e.g. `carbon_grams`, `cost`), keyed by weight name, with the same
   * window and period keys. Absent unless the snapshot was built with weights (added for carbon and cost).
   */
  readonly weighted?: Readonly<Record<string, { readonly windows: Readonly<Record<string, number>>; readonly periods: Readonly<Record<string, number>> }>>;
}

/** An immutable view of the ledger that the exposition and the JSON API render. */
export interface LedgerSnapshot {
  /** Newest sample time accounted, unix seconds; undefined before the first sample. */
  readonly watermark: number | undefined;
  /** Label names of namespace groups (e.g. `['namespace']` or `['cluster', 'namespace']`). */
  readonly namespaceLabels: readonly string[];
  /** Label names of node groups (e.g. `['node']` or `['cluster', 'node']`). */
  readonly nodeLabels: readonly string[];
  readonly namespaces: readonly GroupEnergy[];
  readonly nodes: readonly GroupEnergy[];
  readonly stats: LedgerStats;
  /**
   * From when each published period counts, unix seconds, keyed by period: the period's start, or the
   * earliest sample that exists when that is later (a fresh install mid-month). Absent without a restore.
   */
  readonly coverage?: Readonly<Record<string, number>>;
}

/** Energy of one group in one clock hour. */
export interface HourRow {
  /** Start of the hour, unix seconds (multiple of 3600). */
  readonly hourStart: number;
  readonly labels: readonly string[];
  readonly joules: number;
}
