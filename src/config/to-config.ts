/** Maps the parsed file (snake_case YAML keys) to the typed `Config` (camelCase, units in names). */
import { RULES_SCHEMA, type ParsedConfig } from './schema.js';
import type { BurnRateWindow, Config, RulesConfig } from './types.js';

/** Drops keys whose value is undefined, so optional settings are absent rather than undefined. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The typed configuration of a parsed file. */
export function toConfig(parsed: ParsedConfig): Config {
  const p = parsed.prometheus;
  const auth = p.basic_auth;
  return defined({
    prometheus: defined({
      url: p.url,
      timeoutSeconds: p.timeout,
      bearerToken: p.bearer_token,
      bearerTokenFile: p.bearer_token_file,
      basicAuth: auth && defined({ username: auth.username, passwordFile: auth.password_file, password: auth.password }),
      tls: defined({
        caFile: p.tls.ca_file,
        certFile: p.tls.cert_file,
        keyFile: p.tls.key_file,
        serverName: p.tls.server_name,
        insecureSkipVerify: p.tls.insecure_skip_verify,
      }),
      headers: p.headers,
      selector: p.selector,
      maxConcurrency: p.max_concurrency,
      maxRangeSeconds: p.max_range,
      retries: p.retries,
      maxResponseBytes: p.max_response_bytes,
    }),
    listen: parsed.listen,
    intervalSeconds: parsed.interval,
    overlapSeconds: parsed.overlap,
    adaptiveOverlap: parsed.adaptive_overlap,
    shard: parsed.shard,
    backfillSeconds: parsed.backfill,
    retentionSeconds: parsed.retention,
    windows: parsed.windows,
    groupBy: parsed.group_by,
    timezone: parsed.timezone,
    kepler: {
      schema: parsed.kepler.schema,
      samplePeriodSeconds: parsed.kepler.sample_period,
      components: parsed.kepler.components,
      modes: parsed.kepler.modes,
      maxSeriesPowerWatts: parsed.kepler.max_series_power_watts,
      ...(parsed.kepler.zones === undefined ? {} : { zones: parsed.kepler.zones }),
    },
    maxNamespaces: parsed.max_namespaces,
    namespaceRelabel: parsed.namespace_relabel,
    unattributed: parsed.unattributed,
    logLevel: parsed.log_level,
    carbon:
      parsed.carbon &&
      defined({
        intensityGPerKwh: parsed.carbon.intensity_g_per_kwh,
        scheduleGPerKwh: parsed.carbon.schedule_g_per_kwh,
        intensitySelector: parsed.carbon.intensity_selector,
        intensityQuery: parsed.carbon.intensity_query,
        queryStepSeconds: parsed.carbon.query_step,
        pue: parsed.carbon.pue,
      }),
    cost: parsed.cost && defined({ pricePerKwh: parsed.cost.price_per_kwh, schedulePerKwh: parsed.cost.schedule_per_kwh, currency: parsed.cost.currency }),
    budgets:
      parsed.budgets && Object.fromEntries(Object.entries(parsed.budgets).map(([ns, b]) => [ns, defined({ dailyWh: b.daily_wh, monthlyWh: b.monthly_wh })])),
    rules: parsed.rules && toRulesConfig(parsed.rules),
    web:
      parsed.web &&
      defined({
        tls: parsed.web.tls_server_config && { certFile: parsed.web.tls_server_config.cert_file, keyFile: parsed.web.tls_server_config.key_file },
        basicAuth: parsed.web.basic_auth && { username: parsed.web.basic_auth.username, passwordFile: parsed.web.basic_auth.password_file },
        bearerTokenFile: parsed.web.bearer_token_file,
      }),
  });
}

type ParsedRules = NonNullable<ParsedConfig['rules']>;

function toBurnRateWindow(w: ParsedRules['burn_rate']['fast']): BurnRateWindow {
  return { longWindowSeconds: w.long_window, shortWindowSeconds: w.short_window, factor: w.factor, forSeconds: w.for, severity: w.severity };
}

/** The typed `rules:` section. */
function toRulesConfig(r: ParsedRules): RulesConfig {
  return {
    evaluationIntervalSeconds: r.evaluation_interval,
    serviceSelector: r.service_selector,
    hourlyThresholdWh: r.hourly_threshold_wh,
    namespaces: Object.fromEntries(
      Object.entries(r.namespaces).map(([ns, n]) => [ns, defined({ hourlyThresholdWh: n.hourly_threshold_wh })]),
    ),
    burnRate: { fast: toBurnRateWindow(r.burn_rate.fast), slow: toBurnRateWindow(r.burn_rate.slow) },
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
    metricsMaxSeries: r.metrics_max_series,
    carbonIntensityErrorWindowSeconds: r.carbon_intensity_error_window,
    runbookUrl: r.runbook_url,
    keplerGroup: r.kepler_group,
    prometheusRule: defined({ name: r.prometheus_rule.name, namespace: r.prometheus_rule.namespace, labels: r.prometheus_rule.labels }),
  };
}

/** The rules settings when the config has no `rules:` section. */
export const DEFAULT_RULES: RulesConfig = toRulesConfig(RULES_SCHEMA.parse({}));
