/**
 * The configuration file's schema (snake_case keys, as in YAML) and its defaults. Objects are
 * strict: an unknown key is an error. Durations are parsed to seconds; windows keep their labels.
 */
import { z } from 'zod';
import { describeValue } from './describe.js';
import { duration, expected, headerName, httpUrl, labelName, listenAddress, nonEmpty, selector, timeZone, uniqueList, windowSpec } from './fields.js';

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

function nonEmptyList<T extends z.ZodType>(item: T) {
  return uniqueList(item).refine((items) => items.length > 0, { error: 'must not be empty' });
}

const tls = mapping({
  ca_file: nonEmpty.optional(),
  cert_file: nonEmpty.optional(),
  key_file: nonEmpty.optional(),
  server_name: nonEmpty.optional(),
  insecure_skip_verify: boolean.prefault(DEFAULTS.prometheus.tls.insecure_skip_verify),
});

const basicAuth = mapping({
  username: nonEmpty,
  password_file: nonEmpty.optional(),
  password: nonEmpty.optional(),
});

const prometheus = mapping({
  url: httpUrl.prefault(DEFAULTS.prometheus.url),
  timeout: duration().prefault(DEFAULTS.prometheus.timeout),
  bearer_token: nonEmpty.optional(),
  bearer_token_file: nonEmpty.optional(),
  basic_auth: basicAuth.optional(),
  tls: tls.prefault({}),
  headers: z
    .record(headerName, z.string({ error: wrongType('a string') }), {
      error: (issue) =>
        issue.code === 'invalid_key' ? `${got(issue)} is not a valid HTTP header name` : wrongType('a mapping of header names to values')(issue),
    })
    .prefault({}),
  selector: selector.prefault(DEFAULTS.prometheus.selector),
  max_concurrency: wholeNumber(1).prefault(DEFAULTS.prometheus.max_concurrency),
  max_range: duration({ atLeast: 60 }).prefault(DEFAULTS.prometheus.max_range),
  retries: wholeNumber(0).prefault(DEFAULTS.prometheus.retries),
  max_response_bytes: wholeNumber(1024).prefault(DEFAULTS.prometheus.max_response_bytes),
});

const kepler = mapping({
  schema: oneOf(['auto', 'v0.3', 'v0.4-v0.9', 'v0.10+']).prefault(DEFAULTS.kepler.schema),
  sample_period: duration().prefault(DEFAULTS.kepler.sample_period),
  components: nonEmptyList(oneOf(['package', 'dram', 'gpu'])).prefault([...DEFAULTS.kepler.components]),
  modes: nonEmptyList(oneOf(['dynamic', 'idle'])).prefault([...DEFAULTS.kepler.modes]),
  max_series_power_watts: number({ min: 0, exclusive: true }).prefault(DEFAULTS.kepler.max_series_power_watts),
});

const groupBy = nonEmptyList(labelName).superRefine((labels, ctx) => {
  labels.forEach((label, index) => {
    const reason = RESERVED_GROUP_LABELS[label];
    if (reason !== undefined) ctx.addIssue({ code: 'custom', message: `"${label}" cannot be a grouping label: ${reason}`, path: [index], input: label });
  });
  if (!labels.includes('namespace')) ctx.addIssue({ code: 'custom', message: 'must contain namespace', input: labels });
});

/** Top-level keys and their schemas; each is validated on its own so that every problem is reported. */
export const TOP_LEVEL = {
  prometheus: prometheus.prefault({}),
  listen: listenAddress.prefault(DEFAULTS.listen),
  interval: duration().prefault(DEFAULTS.interval),
  overlap: duration({ allowZero: true }).prefault(DEFAULTS.overlap),
  backfill: duration({ allowZero: true }).prefault(DEFAULTS.backfill),
  retention: duration().prefault(DEFAULTS.retention),
  windows: uniqueList(windowSpec, (w) => w.seconds, (w) => JSON.stringify(w.label)).prefault([...DEFAULTS.windows]),
  group_by: groupBy.prefault([...DEFAULTS.group_by]),
  timezone: timeZone.prefault(DEFAULTS.timezone),
  kepler: kepler.prefault({}),
  max_namespaces: wholeNumber(1).optional(),
  log_level: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).prefault(DEFAULTS.log_level),
  carbon: mapping({ intensity_g_per_kwh: number({ min: 0 }).optional(), pue: number({ min: 1 }).optional() }).optional(),
  cost: mapping({
    price_per_kwh: number({ min: 0 }).optional(),
    currency: z.string({ error: wrongType('a currency code such as EUR') }).regex(/^[A-Z]{3}$/, { error: (issue) => `expected a 3-letter ISO 4217 code such as EUR, got ${got(issue)}` }).optional(),
  }).optional(),
} as const;

/** The whole file; used for its output type and for key suggestions. */
export const CONFIG_SCHEMA = mapping(TOP_LEVEL);

/** The parsed file: snake_case keys, durations in seconds. */
export type ParsedConfig = z.output<typeof CONFIG_SCHEMA>;
