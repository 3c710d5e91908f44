import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Config } from '../../src/config/index.js';

/** The contract's defaults, written out by hand. */
const DEFAULT_CONFIG: Config = {
  prometheus: {
    url: 'http://localhost:9090',
    timeoutSeconds: 30,
    tls: { insecureSkipVerify: false },
    headers: {},
    selector: '',
    maxConcurrency: 4,
    maxRangeSeconds: 7200,
    retries: 3,
    maxResponseBytes: 536_870_912,
  },
  listen: { host: '0.0.0.0', port: 9464, address: '0.0.0.0:9464' },
  intervalSeconds: 30,
  overlapSeconds: 300,
  backfillSeconds: 26 * 3600,
  retentionSeconds: 48 * 3600,
  windows: [
    { label: '5m', seconds: 300 },
    { label: '1h', seconds: 3600 },
    { label: '24h', seconds: 86_400 },
  ],
  groupBy: ['namespace'],
  timezone: 'UTC',
  kepler: {
    schema: 'auto',
    samplePeriodSeconds: 3,
    components: ['package', 'dram', 'gpu'],
    modes: ['dynamic', 'idle'],
    maxSeriesPowerWatts: 5000,
  },
  logLevel: 'info',
};

const file = (text: string) => ({ text, name: 'config.yaml' });

describe('loadConfig defaults', () => {
  it('gives the contract defaults when nothing is configured', () => {
    expect(loadConfig({})).toStrictEqual(DEFAULT_CONFIG);
  });

  it.each([
    ['an empty file', ''],
    ['a file of comments only', '# nothing here\n'],
    ['a file whose keys have no values', 'prometheus:\nwindows:\nkepler:\n  components:\n'],
    ['empty mappings', 'prometheus: {}\nkepler: {}\n'],
  ])('gives the defaults for %s', (_, text) => {
    expect(loadConfig({ file: file(text) })).toStrictEqual(DEFAULT_CONFIG);
  });

  it('accepts a backfill longer than the retention (the hours are restored, days and months do not need the hour ring)', () => {
    const config = loadConfig({ file: file('backfill: 72h\nretention: 48h\n') });
    expect(config.backfillSeconds).toBe(72 * 3600);
    expect(config.retentionSeconds).toBe(48 * 3600);
  });

  it('keeps the window labels as written and in the order written', () => {
    const config = loadConfig({ file: file('windows: [60m, 15m, 1d]\n') });
    expect(config.windows).toEqual([
      { label: '60m', seconds: 3600 },
      { label: '15m', seconds: 900 },
      { label: '1d', seconds: 86_400 },
    ]);
  });

  it('normalises the Prometheus URL (drops the trailing slash, keeps a path prefix)', () => {
    expect(loadConfig({ file: file('prometheus: { url: "https://mimir.example/prometheus/" }\n') }).prometheus.url).toBe(
      'https://mimir.example/prometheus',
    );
  });

  it.each([
    ['127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }],
    [':9464', { host: '0.0.0.0', port: 9464 }],
    ['[::1]:0', { host: '::1', port: 0 }],
    ['ledger.local:9464', { host: 'ledger.local', port: 9464 }],
  ])('reads listen %s', (address, expected) => {
    expect(loadConfig({ file: file(`listen: "${address}"\n`) }).listen).toEqual({ ...expected, address });
  });

  it.each(['9464', 'host:', 'host:99999', '::1:80', 'a:b'])('rejects the listen address %s', (address) => {
    expect(() => loadConfig({ flags: { listen: address } })).toThrow(ConfigError);
  });
});

describe('examples/config.example.yaml', () => {
  const text = readFileSync(new URL('../../examples/config.example.yaml', import.meta.url), 'utf8');

  it('loads without problems and sets every optional key it documents', () => {
    const config = loadConfig({ file: { text, name: 'examples/config.example.yaml' } });
    expect(config.prometheus).toMatchObject({
      bearerTokenFile: '/var/run/secrets/prometheus/token',
      tls: {
        caFile: '/etc/energy-ledger/tls/ca.crt',
        certFile: '/etc/energy-ledger/tls/tls.crt',
        keyFile: '/etc/energy-ledger/tls/tls.key',
        serverName: 'prometheus.monitoring.svc',
        insecureSkipVerify: false,
      },
      headers: { 'X-Scope-OrgID': 'team-a' },
      selector: '{cluster="prod-eu"}',
    });
    expect(config.maxNamespaces).toBe(1000);
    expect(config.carbon).toEqual({ intensityGPerKwh: 400, pue: 1.2 });
    expect(config.cost).toEqual({ pricePerKwh: 0.3, currency: 'EUR' });
  });

  it('uses the default value for every key that has one', () => {
    const config = loadConfig({ file: { text, name: 'examples/config.example.yaml' } });
    const { bearerTokenFile: _t, tls: _tls, headers: _h, selector: _s, ...prometheus } = config.prometheus;
    const { prometheus: _p, maxNamespaces: _m, namespaceRelabel: _r, carbon: _c, cost: _o, budgets: _b, ...rest } = config;
    const { prometheus: defaultPrometheus, ...defaultRest } = DEFAULT_CONFIG;
    const { tls: _dt, headers: _dh, selector: _ds, ...defaultPrometheusRest } = defaultPrometheus;
    expect(prometheus).toEqual(defaultPrometheusRest);
    expect(rest).toEqual(defaultRest);
  });

  it('documents every key of the schema (each top-level and nested key appears in it)', () => {
    const keys = [
      'url', 'timeout', 'bearer_token_file', 'bearer_token', 'basic_auth', 'username', 'password_file', 'password',
      'tls', 'ca_file', 'cert_file', 'key_file', 'server_name', 'insecure_skip_verify', 'headers', 'selector',
      'max_concurrency', 'max_range', 'retries', 'max_response_bytes', 'listen', 'interval', 'overlap', 'backfill',
      'retention', 'windows', 'group_by', 'timezone', 'kepler', 'schema', 'sample_period', 'components', 'modes',
      'max_series_power_watts', 'max_namespaces', 'namespace_relabel', 'log_level', 'carbon', 'intensity_g_per_kwh', 'pue', 'cost',
      'price_per_kwh', 'currency', 'schedule_g_per_kwh', 'schedule_per_kwh', 'budgets', 'daily_wh', 'monthly_wh', 'intensity_selector',
      'intensity_query', 'query_step',
    ];
    for (const key of keys) expect(text).toMatch(new RegExp(`^\\s*(#\\s*)?${key}:`, 'm'));
  });

  it('is rejected when a key is misspelt, which proves unknown keys are checked in it', () => {
    const broken = text.replace('max_concurrency:', 'max_concurency:');
    expect(() => loadConfig({ file: { text: broken, name: 'x.yaml' } })).toThrow(ConfigError);
  });
});
