/**
 * The configuration: the file's schema (snake_case keys, as in YAML), its defaults, and the typed
 * `Config` it parses to (camelCase keys, units in names). Objects are strict: an unknown key is an
 * error. Durations are parsed to seconds; windows keep their labels. Adding a key touches this file.
 */
import { z } from 'zod';
import { formatDuration } from '../core/duration.js';
import { describeValue } from './describe.js';
import { namespaceRelabelSchema } from './namespace-relabel.js';
import { duration, expected, headerName, httpUrl, labelName, listenAddress, nonEmpty, secretText, selector, shard, timeZone, uniqueList, windowSpec } from './fields.js';

/** Every default, written as it would be in the YAML file. */
export const DEFAULTS = {
  prometheus: {
    url: 'http://localhost:9090',
    timeout: '30s',
    tls: { insecure_skip_verify: false },
    headers: {},
    selector: '',
    max_concurrency: 4,
    max_range: '2h',
    retries: 3,
    max_response_bytes: 512 * 1024 * 1024,
  },
  listen: '0.0.0.0:9464',
  interval: '30s',
  overlap: '5m',
  backfill: '26h',
  retention: '48h',
  windows: ['5m', '1h', '24h'],
  group_by: ['namespace'],
  timezone: 'UTC',
  kepler: {
    schema: 'auto',
    sample_period: '3s',
    components: ['package', 'dram', 'gpu'],
    modes: ['dynamic', 'idle'],
    max_series_power_watts: 5000,
  },
  log_level: 'info',
  rules: {
    evaluation_interval: '1m',
    service_selector: '{job="energy-ledger"}',
    hourly_threshold_wh: 1000,
    burn_rate: {
      fast: { long_window: '1h', short_window: '5m', factor: 4, for: '2m', severity: 'critical' },
      slow: { long_window: '6h', short_window: '30m', factor: 1.5, for: '15m', severity: 'warning' },
    },
    for: { hourly_energy_high: '0s', down: '5m', absent: '15m', polls_failing: '5m', watermark_lagging: '5m', kepler_absent: '10m', namespace_overflow: '15m', carbon_intensity_failing: '15m', metrics_too_large: '15m' },
    watermark_max_lag: '10m',
    metrics_max_series: 50000,
    carbon_intensity_error_window: '10m',
    runbook_url: 'https://github.com/energy-ledger/energy-ledger/blob/main/docs/runbooks.md',
    kepler_group: false,
    prometheus_rule: { name: 'energy-ledger' },
  },
} as const;

/** Labels of the exposed metrics themselves, which a grouping label must not shadow. */
const RESERVED_GROUP_LABELS: Readonly<Record<string, string>> = {
  node: 'per-node energy has its own energy_ledger_node_* metrics',
  window: 'it is the label of the trailing windows',
  period: 'it is the label of the clock-aligned periods',
};

const got = (issue: { input?: unknown }) => describeValue(issue.input);
const wrongType = (what: string) => expected(what);

/** A strict mapping (unknown keys are errors) with a readable message when it is not a mapping. */
function mapping<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, { error: (issue) => (issue.code === 'invalid_type' ? wrongType('a mapping of keys to values')(issue) : undefined) });
}

function wholeNumber(min: number) {
  return z
    .number({ error: wrongType('a whole number') })
    .int({ error: wrongType('a whole number') })
    .min(min, { error: (issue) => `must be at least ${min}, got ${got(issue)}` });
}

function number(options: { min: number; exclusive?: boolean }) {
  const base = z.number({ error: wrongType('a number') });
  return options.exclusive
    ? base.gt(options.min, { error: (issue) => `must be greater than ${options.min}, got ${got(issue)}` })
    : base.gte(options.min, { error: (issue) => `must be at least ${options.min}, got ${got(issue)}` });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: (issue) => `must be one of ${values.join(', ')}; got ${got(issue)}` });
}

const boolean = z.boolean({ error: wrongType('true or false') });

/** `T` with every key that may hold undefined made optional instead. */
type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & { [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined> };

/** Drops keys whose value is undefined, so optional settings are absent rather than undefined. */
function defined<T extends object>(value: T): Defined<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Defined<T>;
}

function nonEmptyList<T extends z.ZodType>(item: T) {
  return uniqueList(item).refine((items) => items.length > 0, { error: 'must not be empty' });
}

const tls = mapping({
  ca_file: nonEmpty.optional(),
  cert_file: nonEmpty.optional(),
  key_file: nonEmpty.optional(),
  server_name: nonEmpty.optional(),
  insecure_skip_verify: boolean.prefault(DEFAULTS.prometheus.tls.insecure_skip_verify),
}).transform((t) =>
  defined({ caFile: t.ca_file, certFile: t.cert_file, keyFile: t.key_file, serverName: t.server_name, insecureSkipVerify: t.insecure_skip_verify }),
);

const basicAuth = mapping({
  username: nonEmpty,
  password_file: nonEmpty.optional(),
  password: secretText.min(1, { error: 'must not be empty' }).optional(),
}).transform((a) =>
  defined({
    username: a.username,
    /** Preferred over an inline `password`. */
    passwordFile: a.password_file,
    /** Secret: never log it (see `redactConfig`). */
    password: a.password,
  }),
);

const prometheus = mapping({
  url: httpUrl.prefault(DEFAULTS.prometheus.url),
  timeout: duration().prefault(DEFAULTS.prometheus.timeout),
  bearer_token: secretText.min(1, { error: 'must not be empty' }).optional(),
  bearer_token_file: nonEmpty.optional(),
  basic_auth: basicAuth.optional(),
  tls: tls.prefault({}),
  headers: z
    .record(headerName, secretText, {
      error: (issue) =>
        issue.code === 'invalid_key' ? `${got(issue)} is not a valid HTTP header name` : wrongType('a mapping of header names to values')(issue),
    })
    .prefault({}),
  selector: selector.prefault(DEFAULTS.prometheus.selector),
  max_concurrency: wholeNumber(1).prefault(DEFAULTS.prometheus.max_concurrency),
  max_range: duration({ atLeast: 60 }).prefault(DEFAULTS.prometheus.max_range),
  retries: wholeNumber(0).prefault(DEFAULTS.prometheus.retries),
  max_response_bytes: wholeNumber(1024).prefault(DEFAULTS.prometheus.max_response_bytes),
}).transform((p) =>
  defined({
    url: p.url,
    timeoutSeconds: p.timeout,
    /** Secret: never log it. At most one of `bearerToken`, `bearerTokenFile`, `basicAuth` is set. */
    bearerToken: p.bearer_token,
    bearerTokenFile: p.bearer_token_file,
    basicAuth: p.basic_auth,
    /** TLS settings for the connection (paths are not read at config time). */
    tls: p.tls,
    /** Extra request headers, e.g. `X-Scope-OrgID`; values may be secret, never log them. */
    headers: p.headers,
    /** Extra matchers for every Kepler query, e.g. `{cluster="prod-eu"}`; empty string for none. */
    selector: p.selector,
    /** Queries in flight at once. */
    maxConcurrency: p.max_concurrency,
    /** Longest time range one query may cover; longer ranges are split in chunks of this size. */
    maxRangeSeconds: p.max_range,
    /** Retries of a failed query (not counting the first try). */
    retries: p.retries,
    /** Largest response body accepted (after decompression), bytes. */
    maxResponseBytes: p.max_response_bytes,
  }),
);

const kepler = mapping({
  schema: oneOf(['auto', 'v0.3', 'v0.4-v0.9', 'v0.10+']).prefault(DEFAULTS.kepler.schema),
  sample_period: duration().prefault(DEFAULTS.kepler.sample_period),
  components: nonEmptyList(oneOf(['package', 'dram', 'gpu'])).prefault([...DEFAULTS.kepler.components]),
  modes: nonEmptyList(oneOf(['dynamic', 'idle'])).prefault([...DEFAULTS.kepler.modes]),
  max_series_power_watts: number({ min: 0, exclusive: true }).prefault(DEFAULTS.kepler.max_series_power_watts),
  // Zone name → component, merged over the defaults (core/uncore/psys ignored, package/dram mapped).
  zones: z
    .record(z.string().min(1), oneOf(['package', 'dram', 'gpu', 'ignore']), {
      error: (issue) => (issue.code === 'invalid_key' ? 'zone names must not be empty' : wrongType('a mapping of zone names to package, dram, gpu or ignore')(issue)),
    })
    .optional(),
}).transform((k) =>
  defined({
    /** Kepler schema to assume, or `auto` to detect it from the metric names present. */
    schema: k.schema,
    /** v0.3 gauges only: the period one sample's energy covers. */
    samplePeriodSeconds: k.sample_period,
    components: k.components,
    /** Kepler v0.4–v0.9 power modes summed into the energy scope. */
    modes: k.modes,
    /** A delta implying more power than this on one series is rejected as implausible. */
    maxSeriesPowerWatts: k.max_series_power_watts,
    /** v0.10+ zone → component or `ignore` (`kepler.zones`), merged over the core's `DEFAULT_ZONES`; absent: the defaults. */
    zones: k.zones,
  }),
);

const groupBy = nonEmptyList(labelName).superRefine((labels, ctx) => {
  labels.forEach((label, index) => {
    const reason = RESERVED_GROUP_LABELS[label];
    if (reason !== undefined) ctx.addIssue({ code: 'custom', message: `"${label}" cannot be a grouping label: ${reason}`, path: [index], input: label });
  });
  if (!labels.includes('namespace')) ctx.addIssue({ code: 'custom', message: 'must contain namespace', input: labels });
});

/** A Kubernetes namespace name (DNS-1123 label). */
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const severity = oneOf(['critical', 'warning', 'info']);
const energyWh = number({ min: 0, exclusive: true });

function burnWindow(defaults: { long_window: string; short_window: string; factor: number; for: string; severity: 'critical' | 'warning' | 'info' }) {
  return mapping({
    long_window: duration({ atLeast: 300 }).prefault(defaults.long_window),
    short_window: duration({ atLeast: 300 }).prefault(defaults.short_window),
    factor: number({ min: 0, exclusive: true }).prefault(defaults.factor),
    for: duration({ allowZero: true }).prefault(defaults.for),
    severity: severity.prefault(defaults.severity),
  })
    .superRefine((w, ctx) => {
      if (w.short_window >= w.long_window) ctx.addIssue({ code: 'custom', message: 'must be shorter than long_window', path: ['short_window'], input: w.short_window });
    })
    .prefault({});
}

/** One multi-window burn-rate alert on daily energy budgets: both windows must burn faster than `factor`. */
function toBurnRateWindow(w: z.output<ReturnType<typeof burnWindow>>) {
  return {
    longWindowSeconds: w.long_window,
    shortWindowSeconds: w.short_window,
    /** Multiple of the sustainable pace (the daily budget spread evenly over 24 h). */
    factor: w.factor,
    forSeconds: w.for,
    severity: w.severity,
  };
}

/** The old place of a namespace's daily budget: budgets now have one place, the top-level `budgets:`. */
const movedToBudgets = z.unknown().superRefine((_value, ctx) => {
  ctx.addIssue({ code: 'custom', message: 'moved: set budgets.<namespace>.daily_wh (one place for budgets, read by /metrics and the rules)' });
});

/** `budgets:` per-namespace energy budgets, exposed on /metrics and used by the generated burn-rate alerts. */
const budgets = z.record(
  z.string().regex(NAMESPACE_NAME),
  mapping({ daily_wh: energyWh.optional(), monthly_wh: energyWh.optional() })
    .superRefine((b, ctx) => {
      if (b.daily_wh === undefined && b.monthly_wh === undefined) ctx.addIssue({ code: 'custom', message: 'needs daily_wh or monthly_wh', input: b });
    })
    .transform((b) => defined({ dailyWh: b.daily_wh, monthlyWh: b.monthly_wh })),
  {
    error: (issue) =>
      issue.code === 'invalid_key'
        ? `${got(issue)} is not a valid namespace name (lowercase letters, digits and -, at most 63)`
        : wrongType('a mapping of namespace names to budgets')(issue),
  },
);

/** Per-namespace alert settings; `dailyBudgetWh` is filled from `budgets.<namespace>.daily_wh` by the rules generator. */
const namespaceRules = mapping({ hourly_threshold_wh: energyWh.optional(), daily_budget_wh: movedToBudgets.optional() }).transform(
  (n): { hourlyThresholdWh?: number; dailyBudgetWh?: number } => defined({ hourlyThresholdWh: n.hourly_threshold_wh }),
);

const forDefaults = DEFAULTS.rules.for;
/** `rules:` thresholds, budgets and metadata of the generated recording rules and alerts (`energy-ledger rules`). */
const RULES_SCHEMA = mapping({
  evaluation_interval: duration().prefault(DEFAULTS.rules.evaluation_interval),
  service_selector: selector.prefault(DEFAULTS.rules.service_selector),
  hourly_threshold_wh: energyWh.prefault(DEFAULTS.rules.hourly_threshold_wh),
  namespaces: z
    .record(z.string().regex(NAMESPACE_NAME), namespaceRules, {
      error: (issue) =>
        issue.code === 'invalid_key'
          ? `${got(issue)} is not a valid namespace name (lowercase letters, digits and -, at most 63)`
          : wrongType('a mapping of namespace names to settings')(issue),
    })
    .prefault({}),
  burn_rate: mapping({ fast: burnWindow(DEFAULTS.rules.burn_rate.fast), slow: burnWindow(DEFAULTS.rules.burn_rate.slow) }).prefault({}),
  for: mapping({
    hourly_energy_high: duration({ allowZero: true }).prefault(forDefaults.hourly_energy_high),
    down: duration({ allowZero: true }).prefault(forDefaults.down),
    absent: duration({ allowZero: true }).prefault(forDefaults.absent),
    polls_failing: duration({ allowZero: true }).prefault(forDefaults.polls_failing),
    watermark_lagging: duration({ allowZero: true }).prefault(forDefaults.watermark_lagging),
    kepler_absent: duration({ allowZero: true }).prefault(forDefaults.kepler_absent),
    namespace_overflow: duration({ allowZero: true }).prefault(forDefaults.namespace_overflow),
    carbon_intensity_failing: duration({ allowZero: true }).prefault(forDefaults.carbon_intensity_failing),
    metrics_too_large: duration({ allowZero: true }).prefault(forDefaults.metrics_too_large),
  }).prefault({}),
  watermark_max_lag: duration().prefault(DEFAULTS.rules.watermark_max_lag),
  metrics_max_series: wholeNumber(1).prefault(DEFAULTS.rules.metrics_max_series),
  carbon_intensity_error_window: duration({ atLeast: 300 }).prefault(DEFAULTS.rules.carbon_intensity_error_window),
  runbook_url: httpUrl.prefault(DEFAULTS.rules.runbook_url),
  kepler_group: boolean.prefault(DEFAULTS.rules.kepler_group),
  prometheus_rule: mapping({
    name: z.string({ error: wrongType('a Kubernetes object name') }).regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, { error: (issue) => `${got(issue)} is not a valid Kubernetes object name` }).prefault(DEFAULTS.rules.prometheus_rule.name),
    namespace: z.string({ error: wrongType('a namespace name') }).regex(NAMESPACE_NAME, { error: (issue) => `${got(issue)} is not a valid namespace name` }).optional(),
    labels: z.record(z.string(), z.string({ error: wrongType('a string') }), { error: wrongType('a mapping of label names to values') }).prefault({}),
  }).prefault({}),
}).superRefine((r, ctx) => {
  // Windows are averaged over recordings made every evaluation_interval, so they must be whole multiples of it.
  const step = r.evaluation_interval;
  if (3600 % step !== 0) {
    ctx.addIssue({ code: 'custom', message: `must divide 1h (the hourly recordings average over it), got ${formatDuration(step)}`, path: ['evaluation_interval'], input: step });
    return;
  }
  const window = r.carbon_intensity_error_window;
  if (window % step !== 0) {
    ctx.addIssue({ code: 'custom', message: `must be a multiple of evaluation_interval (${formatDuration(step)}), got ${formatDuration(window)}`, path: ['carbon_intensity_error_window'], input: window });
  }
  for (const speed of ['fast', 'slow'] as const) {
    for (const key of ['long_window', 'short_window'] as const) {
      const seconds = r.burn_rate[speed][key];
      if (seconds % step !== 0) {
        ctx.addIssue({ code: 'custom', message: `must be a multiple of evaluation_interval (${formatDuration(step)}), got ${formatDuration(seconds)}`, path: ['burn_rate', speed, key], input: seconds });
      }
    }
  }
}).transform((r) => ({
  /** Interval of every generated group; windows are multiples of it. */
  evaluationIntervalSeconds: r.evaluation_interval,
  /** Matchers selecting the service's own series (its scrape job), e.g. `{job="energy-ledger"}`. */
  serviceSelector: r.service_selector,
  /** Default threshold of a namespace's previous clock hour. */
  hourlyThresholdWh: r.hourly_threshold_wh,
  namespaces: r.namespaces,
  /** Multi-window burn-rate alerts on daily energy budgets: both windows must burn faster than `factor`. */
  burnRate: { fast: toBurnRateWindow(r.burn_rate.fast), slow: toBurnRateWindow(r.burn_rate.slow) },
  /** Pending durations (`for`) of the other alerts. */
  forSeconds: {
    hourlyEnergyHigh: r.for.hourly_energy_high,
    down: r.for.down,
    absent: r.for.absent,
    pollsFailing: r.for.polls_failing,
    watermarkLagging: r.for.watermark_lagging,
    keplerAbsent: r.for.kepler_absent,
    namespaceOverflow: r.for.namespace_overflow,
    carbonIntensityFailing: r.for.carbon_intensity_failing,
    metricsTooLarge: r.for.metrics_too_large,
  },
  watermarkMaxLagSeconds: r.watermark_max_lag,
  /** `EnergyLedgerMetricsTooLarge` fires when a /metrics body holds more series than this. */
  metricsMaxSeries: r.metrics_max_series,
  /** Window over which failed reads of the grid carbon intensity are counted; a multiple of the evaluation interval. */
  carbonIntensityErrorWindowSeconds: r.carbon_intensity_error_window,
  /** Base of every alert's `runbook_url`; the alert's anchor is appended (`#energyledgerdown`). */
  runbookUrl: r.runbook_url,
  /** Also generate the group of recordings straight over Kepler's counters (clusters without the service). */
  keplerGroup: r.kepler_group,
  /** Metadata of the generated PrometheusRule. */
  prometheusRule: defined(r.prometheus_rule),
}));

/** The rules settings when the config has no `rules:` section. */
export const DEFAULT_RULES = RULES_SCHEMA.parse({});

/**
 * `web:` protection of the HTTP endpoints, after Prometheus' web config file but with secrets in
 * files only: a plain password file instead of bcrypt hashes, and an optional bearer token file.
 */
const web = mapping({
  tls_server_config: mapping({ cert_file: nonEmpty, key_file: nonEmpty }).optional(),
  basic_auth: mapping({ username: nonEmpty, password_file: nonEmpty }).optional(),
  bearer_token_file: nonEmpty.optional(),
}).transform((w) =>
  defined({
    /** Serve HTTPS with this certificate and key (PEM files). */
    tls: w.tls_server_config && { certFile: w.tls_server_config.cert_file, keyFile: w.tls_server_config.key_file },
    /** Require HTTP basic auth; the password is read from the file (re-read when it changes). */
    basicAuth: w.basic_auth && { username: w.basic_auth.username, passwordFile: w.basic_auth.password_file },
    /** Require `Authorization: Bearer <token>` with the token read from this file (re-read when it changes). */
    bearerTokenFile: w.bearer_token_file,
  }),
);

/** 24 values, one per local hour 0–23 of the configured timezone (carbon intensity or price schedules). */
const hourly = z
  .array(number({ min: 0 }), { error: wrongType('a list of 24 numbers (local hours 0 to 23)') })
  .length(24, { error: (issue) => `must list 24 values (local hours 0 to 23), got ${Array.isArray(issue.input) ? issue.input.length : got(issue)}` });

/** A series selector with a metric name, e.g. `grid_intensity_carbon_average{region="FR"}`. */
const seriesSelector = z
  .string({ error: wrongType('a series selector such as grid_intensity_carbon_average{region="FR"}') })
  .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})?$/, { error: (issue) => `expected a metric name with optional {matchers}, got ${got(issue)}` });

/** A PromQL expression giving g/kWh, e.g. `avg(grid_intensity_carbon_average{region=~"FR|DE"}) * 1.05`. */
const promqlExpression = z
  .string({ error: wrongType('a PromQL expression such as avg(grid_intensity_carbon_average{region=~"FR|DE"})') })
  .refine((text) => text.trim() !== '', { error: 'must not be empty' });

/** How often the expression is evaluated within each hour: a step that divides 1h evenly. */
const queryStep = duration().refine((s) => s <= 3600 && 3600 % s === 0, {
  error: (issue) => `must divide 1h evenly (so that every hour has as many evaluations), got ${typeof issue.input === 'number' ? formatDuration(issue.input) : got(issue)}`,
});

/** `carbon.query_step` belongs with `carbon.intensity_query`. */
function stepNeedsQuery(value: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (value.query_step !== undefined && value.intensity_query === undefined) {
    ctx.addIssue({ code: 'custom', message: 'only applies to intensity_query', path: ['query_step'], input: value.query_step });
  }
}

/** A check that exactly one of alternative keys of a mapping is set. */
function exactlyOne(...keys: string[]) {
  const list = `${keys.slice(0, -1).join(', ')} or ${keys.at(-1)}`;
  return (value: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    const set = keys.filter((k) => value[k] !== undefined);
    if (set.length === 0) ctx.addIssue({ code: 'custom', message: `needs ${list}`, input: value });
    if (set.length > 1) ctx.addIssue({ code: 'custom', message: `set only one of ${set.join(', ')}`, input: value });
  };
}

/** Top-level keys and their schemas; each is validated on its own so that every problem is reported. */
export const TOP_LEVEL = {
  prometheus: prometheus.prefault({}),
  listen: listenAddress.prefault(DEFAULTS.listen),
  interval: duration().prefault(DEFAULTS.interval),
  overlap: duration({ allowZero: true }).prefault(DEFAULTS.overlap),
  adaptive_overlap: boolean.optional(),
  shard: shard.optional(),
  backfill: duration({ allowZero: true }).prefault(DEFAULTS.backfill),
  retention: duration().prefault(DEFAULTS.retention),
  windows: uniqueList(windowSpec, (w) => w.seconds, (w) => JSON.stringify(w.label)).prefault([...DEFAULTS.windows]),
  group_by: groupBy.prefault([...DEFAULTS.group_by]),
  timezone: timeZone.prefault(DEFAULTS.timezone),
  kepler: kepler.prefault({}),
  max_namespaces: wholeNumber(1).optional(),
  namespace_relabel: namespaceRelabelSchema.optional(),
  unattributed: oneOf(['off', 'explicit', 'proportional']).optional(),
  log_level: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).prefault(DEFAULTS.log_level),
  carbon: mapping({
    intensity_g_per_kwh: number({ min: 0 }).optional(),
    schedule_g_per_kwh: hourly.optional(),
    intensity_selector: seriesSelector.optional(),
    intensity_query: promqlExpression.optional(),
    query_step: queryStep.optional(),
    pue: number({ min: 1 }).optional(),
  })
    .superRefine(exactlyOne('intensity_g_per_kwh', 'schedule_g_per_kwh', 'intensity_selector', 'intensity_query'))
    .superRefine(stepNeedsQuery)
    .transform((c) =>
      defined({
        intensityGPerKwh: c.intensity_g_per_kwh,
        /** g CO2e per kWh for local hours 0–23 of `timezone`. */
        scheduleGPerKwh: c.schedule_g_per_kwh,
        /** Series selector read from the same Prometheus (g/kWh), averaged per clock hour. */
        intensitySelector: c.intensity_selector,
        /** PromQL expression evaluated by the same Prometheus (g/kWh) every `queryStepSeconds`, averaged per clock hour. */
        intensityQuery: c.intensity_query,
        /** Step of the `intensityQuery` evaluations (default 60). */
        queryStepSeconds: c.query_step,
        pue: c.pue,
      }),
    )
    .optional(),
  cost: mapping({
    price_per_kwh: number({ min: 0 }).optional(),
    schedule_per_kwh: hourly.optional(),
    currency: z.string({ error: wrongType('a currency code such as EUR') }).regex(/^[A-Z]{3}$/, { error: (issue) => `expected a 3-letter ISO 4217 code such as EUR, got ${got(issue)}` }).optional(),
  })
    .superRefine(exactlyOne('price_per_kwh', 'schedule_per_kwh'))
    .transform((c) =>
      defined({
        pricePerKwh: c.price_per_kwh,
        /** Price per kWh for local hours 0–23 of `timezone`. */
        schedulePerKwh: c.schedule_per_kwh,
        currency: c.currency,
      }),
    )
    .optional(),
  budgets: budgets.optional(),
  rules: RULES_SCHEMA.optional(),
  web: web.optional(),
} as const;

/** The whole file with snake_case keys; {@link CONFIG_SCHEMA} maps it to the typed configuration. */
const FILE_SCHEMA = mapping(TOP_LEVEL);

/** Each top-level key's parsed value. */
export type TopLevelValues = z.output<typeof FILE_SCHEMA>;

/** The typed configuration of the parsed top-level values: camelCase keys, units in names. */
export function toConfig(top: TopLevelValues) {
  return defined({
    prometheus: top.prometheus,
    /** Where to listen for `/metrics`. */
    listen: top.listen,
    /** Time between polls. */
    intervalSeconds: top.interval,
    /** How far before the watermark each poll re-reads, so late samples and scrape jitter are picked up. */
    overlapSeconds: top.overlap,
    /** Re-read about twice the worst recent sample lateness (at least a scrape interval, at most `overlapSeconds`) instead of the whole overlap; absent: true. */
    adaptiveOverlap: top.adaptive_overlap,
    /** This replica's share of the nodes (`--shard i/N`); absent: all nodes. */
    shard: top.shard,
    /** How much history is rebuilt from Prometheus at start. */
    backfillSeconds: top.backfill,
    /** How much history the ledger keeps in memory (≥ longest window + 1 h, ≥ backfill). */
    retentionSeconds: top.retention,
    /** Trailing windows, in the order written; labels and lengths are unique. */
    windows: top.windows,
    /** Namespace grouping labels, in order; always contains `namespace`. */
    groupBy: top.group_by,
    /** Time zone of day periods (IANA name); hours are always UTC-aligned. */
    timezone: top.timezone,
    /** Which Kepler series are read and how they are bounded. */
    kepler: top.kepler,
    /** Cap on namespaces tracked; undefined for no cap. */
    maxNamespaces: top.max_namespaces,
    /**
     * `namespace_relabel`: ordered `{regex, replacement}` rules; the first whose anchored regex matches a
     * workload namespace rewrites it before accounting. Absent: names are kept.
     */
    namespaceRelabel: top.namespace_relabel,
    /** Node energy Kepler leaves unattributed: `off`, an explicit `__unattributed__` namespace, or shared proportionally; absent: off. */
    unattributed: top.unattributed,
    logLevel: top.log_level,
    /** Grid carbon intensity (exactly one of a constant, a 24-hour local schedule, a series selector or a PromQL expression) and the PUE factor (default 1). */
    carbon: top.carbon,
    /** Per-namespace energy budgets in Wh per local day and month: the one place they are set (exposed on /metrics, used by the rules). */
    budgets: top.budgets,
    /** Energy price (exactly one of a constant or a 24-hour local schedule) and its ISO 4217 currency. */
    cost: top.cost,
    /** Present when the file has a `rules:` section; `energy-ledger rules` falls back to `DEFAULT_RULES`. */
    rules: top.rules,
    /** TLS and authentication in front of the HTTP endpoints; absent: plain HTTP, no authentication. */
    web: top.web,
  });
}

/** The whole file, parsed to the typed configuration; also used for key suggestions. */
export const CONFIG_SCHEMA = FILE_SCHEMA.transform(toConfig);

/** The validated, effective configuration: defaults < YAML file < environment < flags. Durations are seconds. */
export type Config = z.output<typeof CONFIG_SCHEMA>;
export type LogLevel = Config['logLevel'];
export type CarbonConfig = NonNullable<Config['carbon']>;
export type CostConfig = NonNullable<Config['cost']>;
export type NamespaceBudget = NonNullable<Config['budgets']>[string];
export type RulesConfig = NonNullable<Config['rules']>;
export type BurnRateWindow = RulesConfig['burnRate']['fast'];
export type { ListenAddress, WindowSpec } from './fields.js';
