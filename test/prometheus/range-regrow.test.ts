import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawSeries } from '../../src/core/types.js';
import { PrometheusClient } from '../../src/prometheus/client.js';
import { PrometheusSource } from '../../src/prometheus/source.js';
import type { RunningBackend } from '../support/backend.js';
import { toOpenMetrics } from '../support/exposition-text.js';
import { startPrometheus } from '../support/prometheus-server.js';
import { expectedWindow, keplerHistory } from './history.js';

const end = Math.floor(Date.now() / 1000 / 60) * 60 - 60;
const history = keplerHistory(end);
const [cpu, dram, short] = history.series as [(typeof history.series)[0], (typeof history.series)[0], (typeof history.series)[0]];

/** A real client that counts the range queries it sends. */
class CountingClient extends PrometheusClient {
  matrixQueries = 0;
  override async queryMatrix(expr: string, time: number, signal?: AbortSignal): Promise<{ series: RawSeries[]; warnings: string[] }> {
    this.matrixQueries++;
    return super.queryMatrix(expr, time, signal);
  }
}

function pairs(series: RawSeries | undefined): [number, number][] {
  if (series === undefined) return [];
  return Array.from(series.timestamps, (t, i) => [t, series.values[i] as number]);
}

describe('automatic range halving against a real Prometheus 2.42', () => {
  let prometheus: RunningBackend;
  let client: CountingClient;
  beforeAll(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'prometheus-regrow-'));
    const file = path.join(dir, 'history.om.txt');
    await writeFile(file, toOpenMetrics(history.series));
    try {
      prometheus = await startPrometheus({ blocksFrom: file });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // Three hours of the two busy series do not fit in 6,000 bytes; the two samples of `short` do.
    client = new CountingClient({ url: prometheus.url, maxResponseBytes: 6000, sleep: async () => undefined, random: () => 0 });
  });
  afterAll(async () => {
    await client?.close();
    await prometheus?.stop();
  });

  it('goes back to the configured range once the refusal is regrowAfterSeconds old, and halves again when refused again', async () => {
    let clock = 1_000_000;
    const configured = 4 * 3600;
    const source = new PrometheusSource(client, { maxRangeSeconds: configured, minRangeSeconds: 300, regrowAfterSeconds: 600, now: () => clock });
    const busy = { selector: 'kepler_pod_cpu_joules_total', start: history.start - 60, end };
    const quiet = { selector: 'kepler_pod_cpu_joules_total{pod_id="p3"}', start: history.start - 60, end };
    const find = (result: RawSeries[], pod: string) => result.find((s) => s.labels.pod_id === pod);

    const first = await source.fetchRange(busy);
    for (const series of [cpu, dram, short]) {
      expect(pairs(find(first, series.labels.pod_id as string))).toEqual(expectedWindow(series, busy.start, end));
    }
    const halved = source.currentRangeSeconds;
    expect(halved).toBeLessThan(configured);

    // Before the delay: the quiet selector is still fetched in chunks of the halved range.
    clock += 599;
    client.matrixQueries = 0;
    const stillChunked = await source.fetchRange(quiet);
    expect(client.matrixQueries).toBe(Math.ceil((end - quiet.start) / halved));
    expect(pairs(find(stillChunked, 'p3'))).toEqual(expectedWindow(short, quiet.start, end));
    expect(source.currentRangeSeconds).toBe(halved);

    // 600 s after the refusal the configured range is tried again: one query covers the whole request.
    clock += 1;
    client.matrixQueries = 0;
    const whole = await source.fetchRange(quiet);
    expect(client.matrixQueries).toBe(1);
    expect(pairs(find(whole, 'p3'))).toEqual(expectedWindow(short, quiet.start, end));
    expect(source.currentRangeSeconds).toBe(configured);

    // Still too big for the busy selector: refused, halved again (same exact samples), and kept another 600 s.
    const again = await source.fetchRange(busy);
    for (const series of [cpu, dram, short]) {
      expect(pairs(find(again, series.labels.pod_id as string))).toEqual(expectedWindow(series, busy.start, end));
    }
    expect(source.currentRangeSeconds).toBeLessThan(configured);
    clock += 300;
    await source.fetchRange(quiet);
    expect(source.currentRangeSeconds).toBeLessThan(configured);
  });
});
