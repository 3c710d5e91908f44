import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawSeries } from '../../src/core/types.js';
import { PrometheusClient, type PrometheusClientOptions } from '../../src/prometheus/client.js';
import { PrometheusError } from '../../src/prometheus/errors.js';
import { PrometheusSource } from '../../src/prometheus/source.js';
import type { RunningBackend } from '../support/backend.js';
import { toOpenMetrics, toPrometheusImportText } from '../support/exposition-text.js';
import { freePort } from '../support/free-port.js';
import { startPrometheus } from '../support/prometheus-server.js';
import { startVictoriaMetrics } from '../support/victoria-metrics-server.js';
import { expectedWindow, keplerHistory } from './history.js';

const end = Math.floor(Date.now() / 1000 / 60) * 60 - 60;
const history = keplerHistory(end);
const [cpu, dram, short] = history.series as [(typeof history.series)[0], (typeof history.series)[0], (typeof history.series)[0]];

/** `[t, v]` pairs of a returned series, for exact comparison. */
function pairs(series: RawSeries | undefined): [number, number][] {
  if (series === undefined) return [];
  return Array.from(series.timestamps, (t, i) => [t, series.values[i] as number]);
}

function find(result: RawSeries[], labels: Readonly<Record<string, string>>): RawSeries | undefined {
  return result.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

const noSleep = { sleep: async () => undefined, random: () => 0 };

const backends: [string, () => Promise<RunningBackend>][] = [
  [
    'Prometheus 2.42',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'prometheus-history-'));
      const file = path.join(dir, 'history.om.txt');
      await writeFile(file, toOpenMetrics(history.series));
      try {
        return await startPrometheus({ blocksFrom: file });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  ],
  [
    'VictoriaMetrics',
    async () => {
      const vm = await startVictoriaMetrics();
      await vm.importPrometheusText(toPrometheusImportText(history.series));
      return vm;
    },
  ],
];

describe.each(backends)('against a real %s', (_name, start) => {
  let backend: RunningBackend;
  let client: PrometheusClient;
  const clients: PrometheusClient[] = [];
  const makeClient = (options: Partial<PrometheusClientOptions> = {}): PrometheusClient => {
    const made = new PrometheusClient({ url: backend.url, ...noSleep, ...options });
    clients.push(made);
    return made;
  };

  beforeAll(async () => {
    backend = await start();
    client = makeClient();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await backend?.stop();
  });

  it('returns raw samples exactly, timestamps and values, for (start, end]', async () => {
    const from = history.start + 1800; // a cpu sample sits exactly here and must be excluded
    const source = new PrometheusSource(client);
    const result = await source.fetchRange({ selector: 'kepler_pod_cpu_joules_total', start: from, end: end - 3600 });
    expect(pairs(find(result, cpu.labels))).toEqual(expectedWindow(cpu, from, end - 3600));
    expect(pairs(find(result, dram.labels))).toEqual(expectedWindow(dram, from, end - 3600));
    expect(pairs(find(result, short.labels))).toEqual(expectedWindow(short, from, end - 3600));
    expect(find(result, cpu.labels)?.labels).toEqual({ __name__: 'kepler_pod_cpu_joules_total', ...cpu.labels });
    expect(result).toHaveLength(3);
  });

  it('returns the same samples whether the range is fetched at once or in chunks', async () => {
    const request = { selector: 'kepler_pod_cpu_joules_total{zone=~"package|dram"}', start: history.start - 60, end };
    const whole = await new PrometheusSource(client, { maxRangeSeconds: 4 * 3600 }).fetchRange(request);
    const chunked = await new PrometheusSource(client, { maxRangeSeconds: 1800 }).fetchRange(request);
    const odd = await new PrometheusSource(client, { maxRangeSeconds: 1234.567 }).fetchRange(request);
    for (const series of [cpu, dram, short]) {
      const expected = expectedWindow(series, request.start, request.end);
      expect(expected.length).toBeGreaterThan(0);
      expect(pairs(find(whole, series.labels))).toEqual(expected);
      expect(pairs(find(chunked, series.labels))).toEqual(expected);
      expect(pairs(find(odd, series.labels))).toEqual(expected);
    }
  });

  it('joins the results of split matchers and adds the configured selector', async () => {
    const source = new PrometheusSource(client, {
      maxRangeSeconds: 3600,
      splitMatchers: ['node_name="n1"', 'node_name="n2"'],
      selector: '{state="running"}',
    });
    const result = await source.fetchRange({ selector: 'kepler_pod_cpu_joules_total', start: history.start - 60, end });
    expect(result.map((s) => s.labels.pod_id).sort()).toEqual(['p1', 'p2']);
    expect(pairs(find(result, dram.labels))).toEqual(expectedWindow(dram, history.start - 60, end));
  });

  it('bisects a range whose answer is larger than maxResponseBytes and remembers the smaller range', async () => {
    const small = makeClient({ maxResponseBytes: 6000 });
    const source = new PrometheusSource(small, { maxRangeSeconds: 4 * 3600, minRangeSeconds: 300 });
    const request = { selector: 'kepler_pod_cpu_joules_total', start: history.start - 60, end };
    const result = await source.fetchRange(request);
    for (const series of [cpu, dram, short]) expect(pairs(find(result, series.labels))).toEqual(expectedWindow(series, request.start, end));
    expect(source.currentRangeSeconds).toBeLessThanOrEqual(3600);
    expect(source.currentRangeSeconds).toBeGreaterThanOrEqual(300);

    const tiny = new PrometheusSource(makeClient({ maxResponseBytes: 200 }), { minRangeSeconds: 1800 });
    const error = (await tiny.fetchRange(request).catch((e: unknown) => e)) as PrometheusError;
    expect(error.reason).toBe('too_large');
  });

  it('reports which metric names have series', async () => {
    // The instant lookback (5 min) must reach the newest sample: query near the history's end.
    const source = new PrometheusSource(client);
    const names = ['kepler_pod_cpu_joules_total', 'kepler_node_cpu_joules_total', 'kepler_container_joules_total'];
    const direct = await client.queryVector(`count by (__name__) ({__name__=~"${names.join('|')}"})`, end);
    expect(direct.samples.map((s) => s.labels.__name__).sort()).toEqual(names.slice(0, 2).sort());
    expect(await source.presentMetricNames([])).toEqual(new Set());
    // At server "now" the newest samples are at most a few minutes old (end is ≤ 2 min ago).
    expect(await source.presentMetricNames(names)).toEqual(new Set(names.slice(0, 2)));
  });

  it('sends queries longer than 8 KB as a POST form', async () => {
    const padding = Array.from({ length: 2000 }, (_, i) => `pad-node-${i}`).join('|');
    const expr = `kepler_pod_cpu_joules_total{node_name=~"n1|${padding}"}[1h]`;
    expect(expr.length).toBeGreaterThan(16 * 1024);
    const { series } = await client.queryMatrix(expr, end);
    expect(series.map((s) => s.labels.pod_id)).toEqual(['p1']);
  });

  it('accepts (ignores) the Thanos parameters partial_response=false and max_source_resolution=0', async () => {
    const withParams = await client.queryMatrix('kepler_node_cpu_joules_total[10m]', end);
    const without = await makeClient({ queryParams: {} }).queryMatrix('kepler_node_cpu_joules_total[10m]', end);
    expect(pairs(withParams.series[0])).toEqual(pairs(without.series[0]));
    // 2.x range selectors are left-closed (a sample at end − 10m is included), VictoriaMetrics' left-open.
    expect(pairs(withParams.series[0]).filter(([t]) => t > end - 600)).toEqual(expectedWindow(cpu, end - 600, end));
  });

  it('drops the samples at or before `after` while parsing a matrix', async () => {
    const { series } = await client.queryMatrix('kepler_node_cpu_joules_total[10m]', end, undefined, end - 600);
    expect(pairs(series[0])).toEqual(expectedWindow(cpu, end - 600, end));
    expect(pairs(series[0]).length).toBeGreaterThan(0);
  });

  it('fails a bad query once, without retrying, as http_4xx', async () => {
    const sleeps: number[] = [];
    const strict = makeClient({ sleep: async (ms) => void sleeps.push(ms) });
    const error = await strict.query('sum(kepler_pod_cpu_joules_total', end).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrometheusError);
    const e = error as PrometheusError;
    expect(e.reason).toBe('http_4xx');
    expect([400, 422]).toContain(e.status);
    expect(e.message).toMatch(/^failed to query "sum\(kepler_pod_cpu_joules_total" at http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query: HTTP 4\d\d/);
    expect(sleeps).toEqual([]);
  });

  it('reports build info when the server has it', async () => {
    const info = await client.buildInfo();
    if (_name.startsWith('Prometheus')) expect(info?.version).toMatch(/^2\.42\./);
    else expect(info).toBeUndefined();
  });
});

describe('against a real Prometheus 2.42 only', () => {
  let prometheus: RunningBackend;
  beforeAll(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'prometheus-history-'));
    const file = path.join(dir, 'history.om.txt');
    await writeFile(file, toOpenMetrics(history.series));
    try {
      prometheus = await startPrometheus({ blocksFrom: file, extraArgs: ['--query.max-samples=200'] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('bisects a range when Prometheus refuses to load that many samples (422)', async () => {
    const client = new PrometheusClient({ url: prometheus.url, ...noSleep });
    try {
      const request = { selector: 'kepler_pod_cpu_joules_total', start: history.start - 60, end };
      const refused = (await client.queryMatrix('kepler_pod_cpu_joules_total[3h]', end).catch((e: unknown) => e)) as PrometheusError;
      expect([refused.reason, refused.status, refused.errorType]).toEqual(['http_4xx', 422, 'execution']);
      expect(refused.error).toMatch(/too many samples/);
      const result = await new PrometheusSource(client, { maxRangeSeconds: 4 * 3600 }).fetchRange(request);
      for (const series of [cpu, dram, short]) expect(pairs(find(result, series.labels))).toEqual(expectedWindow(series, request.start, end));
    } finally {
      await client.close();
    }
  });
  afterAll(async () => {
    prometheus.resume();
    await prometheus?.stop();
  });

  it('classifies a parse error as bad_data with status 400', async () => {
    const client = new PrometheusClient({ url: prometheus.url, ...noSleep });
    const error = (await client.query('rate(', 1).catch((e: unknown) => e)) as PrometheusError;
    await client.close();
    expect([error.reason, error.status, error.errorType]).toEqual(['http_4xx', 400, 'bad_data']);
    expect(error.error).toMatch(/parse error/);
  });

  it('times out against a paused (SIGSTOP) Prometheus after its retries', async () => {
    const sleeps: number[] = [];
    const client = new PrometheusClient({
      url: prometheus.url,
      timeoutSeconds: 0.3,
      retries: 2,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.5,
      retryBaseDelayMs: 100,
    });
    await prometheus.pause();
    const started = Date.now();
    try {
      const error = (await client.query('up', 1).catch((e: unknown) => e)) as PrometheusError;
      expect(error).toBeInstanceOf(PrometheusError);
      expect(error.reason).toBe('timeout');
      expect(error.message).toMatch(/no response within 300 ms \(gave up after 3 attempts\)/);
      expect(sleeps).toEqual([50, 100]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    } finally {
      prometheus.resume();
      await client.close();
    }
  });

  it('gives unreachable after its retries when nothing listens on the port', async () => {
    const sleeps: number[] = [];
    const port = await freePort();
    const client = new PrometheusClient({ url: `http://127.0.0.1:${port}`, retries: 3, sleep: async (ms) => void sleeps.push(ms), random: () => 0.999 });
    const error = (await client.query('up').catch((e: unknown) => e)) as PrometheusError;
    await client.close();
    expect(error.reason).toBe('unreachable');
    expect(error.message).toMatch(/ECONNREFUSED.*gave up after 4 attempts/);
    expect(sleeps).toEqual([499, 999, 1998]);
  });
});
