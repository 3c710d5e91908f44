import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateAccuracy, summarize } from '../../bench/accuracy.js';
import { backfill, backfillChunks, backfillFloor } from '../../bench/backfill.js';
import { writeKeplerSeries } from '../../bench/kepler-series.js';
import { floorRead, measurePolls, readForms } from '../../bench/poll-cost.js';
import { load, startScrapeServers } from '../../bench/scrape-latency.js';
import { createBlocksFromOpenMetrics } from '../support/blocks.js';
import type { RunningBackend } from '../support/backend.js';
import { startPrometheus } from '../support/prometheus-server.js';

describe('bench modules at tiny sizes', () => {
  it('summarize counts a namespace-hour missing from the estimate as a 100 % error', () => {
    const truth = new Map([
      ['0|a', 100],
      ['0|b', 50],
    ]);
    const s = summarize(truth, new Map([['0|a', 101]]));
    expect(s.missing).toBe(1);
    expect(s.max).toBe(1);
    expect(s.mean).toBeCloseTo((0.01 + 1) / 2, 12);
    expect(s.total).toBeCloseTo((101 - 150) / 150, 12);
  });

  it('the accuracy bench reads every scenario back from a real Prometheus, the ledger within 0.1 % of the truth', async () => {
    // Two hours: the gap straddles the first hour's end, so both sides of it are evaluated.
    const results = await evaluateAccuracy(['v0.10+'], 2);
    expect(results.map((r) => r.name)).toEqual(['steady', 'churn', 'restarts', 'gap', 'gpu']);
    for (const r of results) {
      expect(r.namespaceHours).toBeGreaterThan(5);
      expect(r.ledger.missing).toBe(0);
      // The ledger can only miss what Kepler lost at its restarts.
      expect(Math.abs(r.ledger.total + r.unobservable), r.name).toBeLessThan(0.001);
      expect(r.rule).toBeDefined();
    }
    const churn = results.find((r) => r.name === 'churn')!;
    expect(churn.ledger.mean).toBeLessThan(churn.users.mean);
    // GPU process exits: the ledger near the information limit, increase() and the reset rule far above it.
    const gpu = results.find((r) => r.name === 'gpu')!.gpu!;
    expect(gpu.limit).toBeLessThan(0);
    expect(Math.abs(gpu.ledger - gpu.limit)).toBeLessThan(0.01);
    expect(gpu.users).toBeGreaterThan(gpu.ledger + 0.01);
    expect(gpu.ledgerWithoutPower).toBeGreaterThan(gpu.ledger + 0.01);
  }, 60_000);

  describe('against a Prometheus holding 240 synthetic Kepler series', () => {
    let prometheus: RunningBackend;
    let dir: string;
    let series: number;

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-bench-smoke-'));
      const file = path.join(dir, 'series.om');
      ({ series } = await writeKeplerSeries(file, { podSeries: 200, nodes: 10, namespaces: 7, end: 1_767_312_000, count: 30 }));
      await createBlocksFromOpenMetrics(file, path.join(dir, 'data'));
      prometheus = await startPrometheus({ storageDir: path.join(dir, 'data') });
    }, 30_000);

    afterAll(async () => {
      await prometheus?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('the floor and the poll both see every series', async () => {
      expect(series).toBe(240);
      expect(await floorRead(prometheus.url, readForms(1_767_312_000 - 330, 1_767_312_000))).toBe(240);
      const { poll, floor } = await measurePolls(prometheus.url, 240, 1);
      expect(poll).toHaveLength(1);
      expect(floor).toHaveLength(1);
      expect(poll[0]!.seconds).toBeGreaterThan(0);
      expect(poll[0]!.peakHeap).toBeGreaterThan(0);
    }, 30_000);

    it('the backfill rebuilds every series from the history in 2 h chunks, and its floor reads the same chunks', async () => {
      expect(backfillChunks(7200, 7200 + 4 * 3600)).toEqual([
        [6900, 14100],
        [14100, 21300],
        [21300, 21600],
      ]);
      expect(await backfill(prometheus.url, 1_767_312_000, 0.1)).toBe(240);
      await expect(backfillFloor(prometheus.url, 1_767_312_000, 0.1)).resolves.toBeUndefined();
    }, 30_000);
  });

  it('the scrape servers answer /metrics with the same body size and no errors under load', async () => {
    const servers = await startScrapeServers(20);
    try {
      const [product, floor] = await Promise.all([fetch(servers.product), fetch(servers.floor)]);
      const [a, b] = await Promise.all([product.text(), floor.text()]);
      expect(a).toContain('energy_ledger_namespace_energy_joules_total{namespace="namespace-00019"}');
      expect(b).toContain('energy_ledger_namespace_energy_joules_total{namespace="namespace-00019"}');
      expect(Buffer.byteLength(b)).toBe(servers.bytes);
      const result = await load(servers.product, 1, 2);
      expect(result.errors).toBe(0);
      expect(result.requests).toBeGreaterThan(10);
    } finally {
      await servers.stop();
    }
  }, 30_000);
});
