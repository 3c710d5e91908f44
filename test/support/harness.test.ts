import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBackend } from './backend.js';
import { requireBinary } from './binary.js';
import { createBlocksFromOpenMetrics } from './blocks.js';
import { startFakeServer } from './fake-server.js';
import { toOpenMetrics, toPrometheusImportText, type TestSeries } from './exposition-text.js';
import { freePort } from './free-port.js';
import { startPrometheus } from './prometheus-server.js';
import { startVictoriaMetrics } from './victoria-metrics-server.js';
import { waitFor } from './wait-for.js';

const now = Math.floor(Date.now() / 1000);
const start = now - 7200;
// A counter scraped every 60 s over the past 2 hours, growing 30 J per step (0, 30, 60, …).
const counter: TestSeries = {
  name: 'harness_energy_joules_total',
  labels: { node: 'n1', zone: 'package' },
  samples: Array.from({ length: 120 }, (_, i) => [start + 60 * i, 30 * i] as const),
};

async function rawSamples(url: string, expr: string, time: number): Promise<[number, string][]> {
  const body = new URLSearchParams({ query: expr, time: String(time) });
  const response = await fetch(`${url}/api/v1/query`, { method: 'POST', body });
  const json = (await response.json()) as { data: { result: { values: [number, string][] }[] } };
  return json.data.result[0]?.values ?? [];
}

async function instantValue(url: string, expr: string): Promise<string | undefined> {
  const response = await fetch(`${url}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: expr }) });
  const json = (await response.json()) as { data: { result: { value: [number, string] }[] } };
  return json.data.result[0]?.value[1];
}

/** A scrape target on 127.0.0.1. */
interface Target {
  readonly address: string;
  close(): Promise<void>;
}

/** A scrape target on 127.0.0.1 serving fixed exposition text. */
async function startTarget(text: string): Promise<Target> {
  const server = await startFakeServer((_request, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(text);
  });
  return { address: `127.0.0.1:${server.port}`, close: () => server.close() };
}

let tempDir: string;
beforeAll(async () => {
  tempDir = await mkdtemp(path.join(tmpdir(), 'harness-test-'));
});
afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

describe('freePort and waitFor', () => {
  it('finds a port that a server can listen on', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    expect(server.address()).toMatchObject({ port });
    await new Promise((resolve) => server.close(resolve));
  });

  it('returns the first truthy value and gives up after the timeout', async () => {
    let calls = 0;
    await expect(waitFor(() => (++calls >= 3 ? calls : undefined), 2000, 10)).resolves.toBe(3);
    await expect(waitFor(() => false, 100, 10)).rejects.toThrow(/within 100 ms/);
  });
});

describe('requireBinary', () => {
  it('tells how to install a missing backend instead of skipping', () => {
    expect(() => requireBinary('energy-ledger-no-such-binary', 'prometheus')).toThrow(/apt-get install -y prometheus/);
    expect(requireBinary('promtool', 'prometheus')).toMatch(/promtool$/);
  });
});

describe('startPrometheus', () => {
  // One Prometheus for these tests (its first scrape comes ~5 s after start): the history of `counter`
  // and of the scraped `harness_mixed_joules_total`, and two scrape targets. The restart test runs last.
  let prometheus: RunningBackend;
  let target: Target;
  let mixedTarget: Target;
  let mixedHistory: TestSeries;
  beforeAll(async () => {
    target = await startTarget('# TYPE harness_target_joules_total counter\nharness_target_joules_total 7\n');
    mixedTarget = await startTarget('# TYPE harness_mixed_joules_total counter\nharness_mixed_joules_total 5000\n');
    mixedHistory = {
      name: 'harness_mixed_joules_total',
      labels: { job: 'mixed', instance: mixedTarget.address },
      samples: Array.from({ length: 60 }, (_, i) => [now - 3600 + 60 * i, 10 * i] as const),
    };
    const file = path.join(tempDir, 'history.om.txt');
    await writeFile(file, toOpenMetrics([counter, mixedHistory]));
    prometheus = await startPrometheus({
      blocksFrom: file,
      scrapeInterval: '1s',
      scrapeConfigs: [
        { job_name: 'target', static_configs: [{ targets: [target.address] }] },
        { job_name: 'mixed', static_configs: [{ targets: [mixedTarget.address] }] },
      ],
    });
  });
  afterAll(async () => {
    await prometheus?.stop();
    await Promise.all([target?.close(), mixedTarget?.close()]);
  });

  it('serves a counter backfilled from an OpenMetrics file, sample for sample', async () => {
    const values = await rawSamples(prometheus.url, `${counter.name}[3h]`, now);
    expect(values).toEqual(counter.samples.map(([t, v]) => [t, String(v)]));
  });

  it('serves backfilled history and freshly scraped samples of the same series together', async () => {
    const values = await waitFor(async () => {
      const got = await rawSamples(prometheus.url, `${mixedHistory.name}[2h]`, Math.floor(Date.now() / 1000) + 1);
      return got.length > mixedHistory.samples.length ? got : undefined;
    }, 15_000, 200);
    expect(values.slice(0, mixedHistory.samples.length)).toEqual(mixedHistory.samples.map(([t, v]) => [t, String(v)]));
    expect(values.at(-1)?.[1]).toBe('5000');
  });

  it('scrapes a configured target and survives pause, resume and restart', async () => {
    expect(await waitFor(() => instantValue(prometheus.url, 'harness_target_joules_total'), 15_000, 200)).toBe('7');

    await prometheus.pause();
    const paused = await fetch(`${prometheus.url}/-/ready`, { signal: AbortSignal.timeout(300) }).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    expect(paused).toBe('TimeoutError');
    prometheus.resume();
    expect((await fetch(`${prometheus.url}/-/ready`)).status).toBe(200);

    await prometheus.restart();
    expect((await fetch(`${prometheus.url}/-/ready`)).status).toBe(200);
    expect(await waitFor(() => instantValue(prometheus.url, 'harness_target_joules_total'), 15_000, 200)).toBe('7');
  });

  it('fails clearly when promtool cannot parse the OpenMetrics file', async () => {
    const file = path.join(tempDir, 'broken.om.txt');
    await writeFile(file, 'this is { not openmetrics\n');
    await expect(createBlocksFromOpenMetrics(file, path.join(tempDir, 'broken-data'))).rejects.toThrow(
      /failed to create blocks from .*broken\.om\.txt/,
    );
  });
});

describe('startVictoriaMetrics', () => {
  it('serves samples imported with timestamps, sample for sample', async () => {
    const vm = await startVictoriaMetrics();
    try {
      await vm.importPrometheusText(toPrometheusImportText([counter]));
      const values = await rawSamples(vm.url, `${counter.name}[3h]`, now);
      expect(values).toEqual(counter.samples.map(([t, v]) => [t, String(v)]));
    } finally {
      await vm.stop();
    }
  });

  it('scrapes a configured target', async () => {
    const target = await startTarget('# TYPE harness_target_joules_total counter\nharness_target_joules_total 42\n');
    const vm = await startVictoriaMetrics({
      scrapeConfigs: [{ job_name: 'target', static_configs: [{ targets: [target.address] }] }],
    });
    try {
      const scraped = async (): Promise<string | undefined> => {
        await vm.flush();
        return instantValue(vm.url, 'harness_target_joules_total');
      };
      expect(await waitFor(scraped, 20_000, 250)).toBe('42');
    } finally {
      await vm.stop();
      await target.close();
    }
  });
});
