import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ENV_VARIABLES, loadConfig, loadConfigFile } from '../../src/config/index.js';

const file = (text: string) => ({ text, name: 'config.yaml' });

describe('layering: defaults < file < environment < flags', () => {
  const yaml = 'interval: 1m\nlisten: 127.0.0.1:1000\nprometheus:\n  url: http://file:9090\n';

  it('uses the file over the defaults', () => {
    const config = loadConfig({ file: file(yaml) });
    expect(config.intervalSeconds).toBe(60);
    expect(config.prometheus.url).toBe('http://file:9090');
    expect(config.backfillSeconds).toBe(26 * 3600);
  });

  it('uses the environment over the file', () => {
    const config = loadConfig({ file: file(yaml), env: { ENERGY_LEDGER_INTERVAL: '2m', ENERGY_LEDGER_PROMETHEUS_URL: 'http://env:9090' } });
    expect(config.intervalSeconds).toBe(120);
    expect(config.prometheus.url).toBe('http://env:9090');
    expect(config.listen.port).toBe(1000);
  });

  it('uses flags over the environment and the file', () => {
    const config = loadConfig({
      file: file(yaml),
      env: { ENERGY_LEDGER_INTERVAL: '2m', ENERGY_LEDGER_LISTEN: ':2000' },
      flags: { interval: '3m', 'prometheus-url': 'http://flag:9090' },
    });
    expect(config.intervalSeconds).toBe(180);
    expect(config.prometheus.url).toBe('http://flag:9090');
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 2000, address: ':2000' });
  });

  it('keeps sibling keys of the file when the environment sets one nested key', () => {
    const config = loadConfig({
      file: file('prometheus:\n  url: http://file:9090\n  timeout: 10s\n'),
      env: { ENERGY_LEDGER_PROMETHEUS_BEARER_TOKEN_FILE: '/token' },
    });
    expect(config.prometheus).toMatchObject({ url: 'http://file:9090', timeoutSeconds: 10, bearerTokenFile: '/token' });
  });

  it('treats an empty environment variable as unset', () => {
    expect(loadConfig({ file: file(yaml), env: { ENERGY_LEDGER_INTERVAL: '' } }).intervalSeconds).toBe(60);
  });

  it('reads lists, whole numbers and booleans from the environment', () => {
    const config = loadConfig({
      env: {
        ENERGY_LEDGER_WINDOWS: '15m, 2h',
        ENERGY_LEDGER_GROUP_BY: 'cluster,namespace',
        ENERGY_LEDGER_MAX_NAMESPACES: '50',
        ENERGY_LEDGER_PROMETHEUS_TLS_INSECURE_SKIP_VERIFY: 'true',
      },
    });
    expect(config.windows).toEqual([
      { label: '15m', seconds: 900 },
      { label: '2h', seconds: 7200 },
    ]);
    expect(config.groupBy).toEqual(['cluster', 'namespace']);
    expect(config.maxNamespaces).toBe(50);
    expect(config.prometheus.tls.insecureSkipVerify).toBe(true);
  });

  it('applies every documented environment variable', () => {
    const values: Record<string, string> = {
      ENERGY_LEDGER_PROMETHEUS_URL: 'http://env:1',
      ENERGY_LEDGER_PROMETHEUS_TIMEOUT: '7s',
      ENERGY_LEDGER_PROMETHEUS_BEARER_TOKEN: 'tok',
      ENERGY_LEDGER_PROMETHEUS_BEARER_TOKEN_FILE: '/tok',
      ENERGY_LEDGER_PROMETHEUS_BASIC_AUTH_USERNAME: 'me',
      ENERGY_LEDGER_PROMETHEUS_BASIC_AUTH_PASSWORD_FILE: '/pw',
      ENERGY_LEDGER_PROMETHEUS_TLS_CA_FILE: '/ca',
      ENERGY_LEDGER_PROMETHEUS_TLS_INSECURE_SKIP_VERIFY: 'true',
      ENERGY_LEDGER_PROMETHEUS_SELECTOR: '{cluster="a"}',
      ENERGY_LEDGER_LISTEN: ':1',
      ENERGY_LEDGER_INTERVAL: '7s',
      ENERGY_LEDGER_OVERLAP: '7m',
      ENERGY_LEDGER_BACKFILL: '7h',
      ENERGY_LEDGER_RETENTION: '70h',
      ENERGY_LEDGER_WINDOWS: '7m',
      ENERGY_LEDGER_GROUP_BY: 'namespace,team',
      ENERGY_LEDGER_TIMEZONE: 'Europe/Paris',
      ENERGY_LEDGER_KEPLER_SCHEMA: 'v0.3',
      ENERGY_LEDGER_MAX_NAMESPACES: '7',
      ENERGY_LEDGER_LOG_LEVEL: 'debug',
      ENERGY_LEDGER_SHARD: '1/7',
    };
    expect(ENV_VARIABLES.map((v) => v.name).sort()).toEqual(Object.keys(values).sort());
    // Bearer token and file together, and bearer with basic auth, are rejected: check the rest first.
    const { ENERGY_LEDGER_PROMETHEUS_BEARER_TOKEN: _t, ENERGY_LEDGER_PROMETHEUS_BEARER_TOKEN_FILE: _f, ...compatible } = values;
    const config = loadConfig({ env: compatible });
    expect(config).toMatchObject({
      prometheus: {
        url: 'http://env:1',
        timeoutSeconds: 7,
        basicAuth: { username: 'me', passwordFile: '/pw' },
        tls: { caFile: '/ca', insecureSkipVerify: true },
        selector: '{cluster="a"}',
      },
      listen: { port: 1 },
      intervalSeconds: 7,
      overlapSeconds: 420,
      backfillSeconds: 7 * 3600,
      retentionSeconds: 70 * 3600,
      windows: [{ label: '7m', seconds: 420 }],
      groupBy: ['namespace', 'team'],
      timezone: 'Europe/Paris',
      kepler: { schema: 'v0.3' },
      maxNamespaces: 7,
      logLevel: 'debug',
      shard: { index: 1, count: 7 },
    });
    expect(loadConfig({ env: { ENERGY_LEDGER_PROMETHEUS_BEARER_TOKEN: 'tok' } }).prometheus.bearerToken).toBe('tok');
    expect(loadConfig({ env: { ENERGY_LEDGER_PROMETHEUS_BEARER_TOKEN_FILE: '/tok' } }).prometheus.bearerTokenFile).toBe('/tok');
  });

  it('ignores environment variables it does not know', () => {
    expect(loadConfig({ env: { ENERGY_LEDGER_INTERVALL: 'garbage', PATH: '/bin' } }).intervalSeconds).toBe(30);
  });
});

describe('problems name the source of the bad value', () => {
  const problemsOf = (inputs: Parameters<typeof loadConfig>[0]) => {
    try {
      loadConfig(inputs);
    } catch (error) {
      return (error as ConfigError).problems;
    }
    throw new Error('expected a ConfigError');
  };

  it('names the environment variable, the flag and the file line, all at once', () => {
    expect(
      problemsOf({
        file: file('windows: [5m, 1h]\nbackfill: 1x\n'),
        env: { ENERGY_LEDGER_INTERVAL: '30', ENERGY_LEDGER_MAX_NAMESPACES: 'many' },
        flags: { listen: 'localhost', 'log-level': 'loud' },
      }),
    ).toEqual([
      'config.yaml:2:11: backfill: "1x" is not a duration: unknown unit "x" (use y, w, d, h, m, s or ms)',
      'ENERGY_LEDGER_INTERVAL: interval: "30" is not a duration: a unit is missing (e.g. 30s)',
      'ENERGY_LEDGER_MAX_NAMESPACES: max_namespaces: expected a whole number, got "many"',
      '--listen: listen: "localhost" is not HOST:PORT (e.g. 0.0.0.0:9464, [::]:9464 or :9464)',
      '--log-level: log_level: must be one of fatal, error, warn, info, debug, trace, silent; got "loud"',
    ]);
  });

  it('blames a flag that overrides a bad file value, not the file', () => {
    expect(problemsOf({ file: file('interval: 5x\n'), flags: { interval: '0s' } })).toEqual([
      '--interval: interval: "0s" is too short: it must be longer than 0s',
    ]);
  });

  it('blames the environment for a bad item of a list it set', () => {
    expect(problemsOf({ env: { ENERGY_LEDGER_WINDOWS: '5m,7x' } })).toEqual([
      'ENERGY_LEDGER_WINDOWS: windows[1]: "7x" is not a duration: unknown unit "x" (use y, w, d, h, m, s or ms)',
    ]);
  });
});

describe('loadConfigFile', () => {
  it('reads the file and reports problems under its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'energy-ledger-config-'));
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'interval: 1m\nretention: 1h\n');
    await expect(loadConfigFile({ path })).rejects.toMatchObject({
      problems: [
        `${path}:2:12: retention: must be at least 1d1h (the longest window, 1d, plus 1h for the previous hour), got 1h`,
      ],
    });
    writeFileSync(path, 'interval: 1m\n');
    await expect(loadConfigFile({ path, flags: { backfill: '1h' } })).resolves.toMatchObject({ intervalSeconds: 60, backfillSeconds: 3600 });
  });

  it('reports a missing file as a configuration problem', async () => {
    await expect(loadConfigFile({ path: '/nonexistent/energy-ledger.yaml' })).rejects.toMatchObject({
      problems: ['/nonexistent/energy-ledger.yaml: failed to read config file: no such file'],
    });
  });

  it('loads defaults, environment and flags when there is no file', async () => {
    await expect(loadConfigFile({ env: { ENERGY_LEDGER_LISTEN: ':1' } })).resolves.toMatchObject({ listen: { port: 1 } });
  });
});
