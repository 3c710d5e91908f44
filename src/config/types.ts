import type { ShardSpec } from '../core/shard/node-hash.js';
import type { Component, SchemaId } from '../core/types.js';
import type { ZoneTarget } from '../core/schema/zones.js';

/** A trailing window: its label as written (used as the `window` label value) and its length. */
export interface WindowSpec {
  /** The duration as written in the config, e.g. `5m`; becomes the metric's `window` label. */
  readonly label: string;
  /** Length in seconds, a multiple of 60. */
  readonly seconds: number;
}

/** Kepler schema to assume, or `auto` to detect it from the metric names present. */
export type KeplerSchemaSetting = 'auto' | SchemaId;

/** Kepler v0.4–v0.9 power modes summed into the energy scope. */
export type KeplerMode = 'dynamic' | 'idle';

/** pino log levels accepted by `log_level`. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** TLS settings for the Prometheus connection (paths are not read at config time). */
export interface TlsConfig {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly serverName?: string;
  readonly insecureSkipVerify: boolean;
}

/** HTTP basic authentication: `passwordFile` is preferred; `password` inline is accepted but discouraged. */
export interface BasicAuthConfig {
  readonly username: string;
  readonly passwordFile?: string;
  /** Secret: never log it (see `redactConfig`). */
  readonly password?: string;
}

/** How to reach a Prometheus-compatible HTTP API. */
export interface PrometheusConfig {
  /** Base URL without `/api/v1` (may carry a path prefix, e.g. Mimir's `/prometheus`); no trailing slash. */
  readonly url: string;
  readonly timeoutSeconds: number;
  /** Secret: never log it. At most one of `bearerToken`, `bearerTokenFile`, `basicAuth` is set. */
  readonly bearerToken?: string;
  readonly bearerTokenFile?: string;
  readonly basicAuth?: BasicAuthConfig;
  readonly tls: TlsConfig;
  /** Extra request headers, e.g. `X-Scope-OrgID`; values may be secret, never log them. */
  readonly headers: Readonly<Record<string, string>>;
  /** Extra matchers for every Kepler query, e.g. `{cluster="prod-eu"}`; empty string for none. */
  readonly selector: string;
  /** Queries in flight at once. */
  readonly maxConcurrency: number;
  /** Longest time range one query may cover; longer ranges are split in chunks of this size. */
  readonly maxRangeSeconds: number;
  /** Retries of a failed query (not counting the first try). */
  readonly retries: number;
  /** Largest response body accepted (after decompression), bytes. */
  readonly maxResponseBytes: number;
}

/** Where to listen for `/metrics`. `host` is `0.0.0.0` when the address was written `:PORT`. */
export interface ListenAddress {
  /** Host name or IP; IPv6 without brackets. */
  readonly host: string;
  /** 0 lets the OS choose. */
  readonly port: number;
  /** The address as written, e.g. `0.0.0.0:9464`. */
  readonly address: string;
}

/** Which Kepler series are read and how they are bounded. */
export interface KeplerConfig {
  readonly schema: KeplerSchemaSetting;
  /** v0.3 gauges only: the period one sample's energy covers. */
  readonly samplePeriodSeconds: number;
  readonly components: readonly Component[];
  readonly modes: readonly KeplerMode[];
  /** A delta implying more power than this on one series is rejected as implausible. */
  readonly maxSeriesPowerWatts: number;
  /** v0.10+ zone → component or `ignore` (`kepler.zones`), merged over the core's `DEFAULT_ZONES`; absent: the defaults. */
  readonly zones?: Readonly<Record<string, ZoneTarget>>;
}

/** Grid carbon intensity (exactly one of a constant, a 24-hour local schedule, a series selector or a PromQL expression) and the PUE factor (default 1). */
export interface CarbonConfig {
  readonly intensityGPerKwh?: number;
  /** g CO2e per kWh for local hours 0–23 of `timezone`. */
  readonly scheduleGPerKwh?: readonly number[];
  /** Series selector read from the same Prometheus (g/kWh), averaged per clock hour. */
  readonly intensitySelector?: string;
  /** PromQL expression evaluated by the same Prometheus (g/kWh) every `queryStepSeconds`, averaged per clock hour. */
  readonly intensityQuery?: string;
  /** Step of the `intensityQuery` evaluations (default 60). */
  readonly queryStepSeconds?: number;
  readonly pue?: number;
}

/** Energy price (exactly one of a constant or a 24-hour local schedule) and its ISO 4217 currency. */
export interface CostConfig {
  readonly pricePerKwh?: number;
  /** Price per kWh for local hours 0–23 of `timezone`. */
  readonly schedulePerKwh?: readonly number[];
  readonly currency?: string;
}

/** One multi-window burn-rate alert on daily energy budgets: both windows must burn faster than `factor`. */
export interface BurnRateWindow {
  readonly longWindowSeconds: number;
  readonly shortWindowSeconds: number;
  /** Multiple of the sustainable pace (the daily budget spread evenly over 24 h). */
  readonly factor: number;
  readonly forSeconds: number;
  readonly severity: 'critical' | 'warning' | 'info';
}

/** Per-namespace alert settings. */
export interface NamespaceRules {
  /** Overrides the default hourly threshold. */
  readonly hourlyThresholdWh?: number;
  /** Daily energy budget, from `budgets.<namespace>.daily_wh` (see `rulesWithBudgets`); burn alerts exist only for namespaces that have one. */
  readonly dailyBudgetWh?: number;
}

/** A namespace's energy budgets (`budgets.<namespace>`), in watt-hours per local day and month. */
export interface NamespaceBudget {
  readonly dailyWh?: number;
  readonly monthlyWh?: number;
}

/** Settings of the generated recording rules and alerts (`energy-ledger rules`). */
export interface RulesConfig {
  /** Interval of every generated group; windows are multiples of it. */
  readonly evaluationIntervalSeconds: number;
  /** Matchers selecting the service's own series (its scrape job), e.g. `{job="energy-ledger"}`. */
  readonly serviceSelector: string;
  /** Default threshold of a namespace's previous clock hour. */
  readonly hourlyThresholdWh: number;
  readonly namespaces: Readonly<Record<string, NamespaceRules>>;
  readonly burnRate: { readonly fast: BurnRateWindow; readonly slow: BurnRateWindow };
  /** Pending durations (`for`) of the other alerts. */
  readonly forSeconds: {
    readonly hourlyEnergyHigh: number;
    readonly down: number;
    readonly absent: number;
    readonly pollsFailing: number;
    readonly watermarkLagging: number;
    readonly keplerAbsent: number;
    readonly namespaceOverflow: number;
    readonly carbonIntensityFailing: number;
    readonly metricsTooLarge: number;
  };
  readonly watermarkMaxLagSeconds: number;
  /** `EnergyLedgerMetricsTooLarge` fires when a /metrics body holds more series than this. */
  readonly metricsMaxSeries: number;
  /** Window over which failed reads of the grid carbon intensity are counted; a multiple of the evaluation interval. */
  readonly carbonIntensityErrorWindowSeconds: number;
  /** Base of every alert's `runbook_url`; the alert's anchor is appended (`#energyledgerdown`). */
  readonly runbookUrl: string;
  /** Also generate the group of recordings straight over Kepler's counters (clusters without the service). */
  readonly keplerGroup: boolean;
  /** Metadata of the generated PrometheusRule. */
  readonly prometheusRule: { readonly name: string; readonly namespace?: string; readonly labels: Readonly<Record<string, string>> };
}

/**
 * Protection of the HTTP endpoints (`/metrics`, `/`, `/api/…`; `/healthz` and `/readyz` stay open for
 * probes). With both `basicAuth` and `bearerTokenFile`, either credential is accepted.
 */
export interface WebConfig {
  /** Serve HTTPS with this certificate and key (PEM files). */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** Require HTTP basic auth; the password is read from the file (re-read when it changes). */
  readonly basicAuth?: { readonly username: string; readonly passwordFile: string };
  /** Require `Authorization: Bearer <token>` with the token read from this file (re-read when it changes). */
  readonly bearerTokenFile?: string;
}

/** The validated, effective configuration: defaults < YAML file < environment < flags. Durations are seconds. */
export interface Config {
  readonly prometheus: PrometheusConfig;
  readonly listen: ListenAddress;
  /** Time between polls. */
  readonly intervalSeconds: number;
  /** How far before the watermark each poll re-reads, so late samples and scrape jitter are picked up. */
  readonly overlapSeconds: number;
  /** Re-read about twice the worst recent sample lateness (at least a scrape interval, at most `overlapSeconds`) instead of the whole overlap; absent: true. */
  readonly adaptiveOverlap?: boolean;
  /** This replica's share of the nodes (`--shard i/N`); absent: all nodes. */
  readonly shard?: ShardSpec;
  /** How much history is rebuilt from Prometheus at start. */
  readonly backfillSeconds: number;
  /** How much history the ledger keeps in memory (≥ longest window + 1 h, ≥ backfill). */
  readonly retentionSeconds: number;
  /** Trailing windows, in the order written; labels and lengths are unique. */
  readonly windows: readonly WindowSpec[];
  /** Namespace grouping labels, in order; always contains `namespace`. */
  readonly groupBy: readonly string[];
  /** Time zone of day periods (IANA name); hours are always UTC-aligned. */
  readonly timezone: string;
  readonly kepler: KeplerConfig;
  /** Cap on namespaces tracked; undefined for no cap. */
  readonly maxNamespaces?: number;
  /**
   * `namespace_relabel`: ordered `{regex, replacement}` rules; the first whose anchored regex matches a
   * workload namespace rewrites it before accounting. Absent: names are kept.
   */
  readonly namespaceRelabel?: readonly { readonly regex: string; readonly replacement: string }[];
  /** Node energy Kepler leaves unattributed: `off`, an explicit `__unattributed__` namespace, or shared proportionally; absent: off. */
  readonly unattributed?: 'off' | 'explicit' | 'proportional';
  readonly logLevel: LogLevel;
  readonly carbon?: CarbonConfig;
  /** Per-namespace energy budgets: the one place they are set (exposed on /metrics, used by the rules). */
  readonly budgets?: Readonly<Record<string, NamespaceBudget>>;
  readonly cost?: CostConfig;
  /** Present when the file has a `rules:` section; `energy-ledger rules` falls back to `DEFAULT_RULES`. */
  readonly rules?: RulesConfig;
  /** TLS and authentication in front of the HTTP endpoints; absent: plain HTTP, no authentication. */
  readonly web?: WebConfig;
}
