import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hourStart } from '../../src/core/time.js';
import { generateScenario, writeOpenMetrics } from '../../src/sim/index.js';
import type { RunningBackend } from '../support/backend.js';
import { startPrometheus } from '../support/prometheus-server.js';
import { waitFor } from '../support/wait-for.js';
import { ensureCliBuilt, spawnCli, type CliProcess } from './support/cli.js';
import { parseExposition, single } from './support/exposition.js';
import { ledgerMetricNames } from './support/history.js';

/** How long a stop may take after SIGTERM. */
const STOP_WITHIN_MS = 5_000;

let dir: string;
let prometheus: RunningBackend;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'e2e-sigterm-'));
  const now = Math.floor(Date.now() / 1000);
  // Two hours of a small v0.10+ cluster ending now: enough for a backfill of one hour.
  const start = hourStart(now) - 2 * 3600;
  const scenario = generateScenario({ seed: 5, start, durationSeconds: now - start, nodes: 1, namespaces: 2, churn: 0, scrapeIntervalSeconds: 30 });
  const file = path.join(dir, 'history.om.txt');
  await writeOpenMetrics(scenario, file, { from: start - 1, to: now, metrics: ledgerMetricNames('v0.10+'), match: '{zone=~"package|dram|"}' });
  [prometheus] = await Promise.all([startPrometheus({ blocksFrom: file }), ensureCliBuilt()]);
});

afterAll(async () => {
  await prometheus?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** Spawns `energy-ledger serve` on a free port and resolves with its URL once it logs that it listens. */
async function spawnServe(): Promise<{ serve: CliProcess; url: string }> {
  const serve = spawnCli(['serve', '--prometheus-url', prometheus.url, '--listen', '127.0.0.1:0', '--interval', '1s', '--backfill', '1h']);
  const url = await waitFor(() => /"url":"(http:\/\/127\.0\.0\.1:\d+)".*"msg":"listening"/.exec(serve.stderr())?.[1], 30_000, 50).catch((error: unknown) => {
    serve.child.kill('SIGKILL');
    throw new Error(`serve did not log that it listens: ${String(error)}\n${serve.stderr()}`, { cause: error });
  });
  return { serve, url };
}

/** Sends SIGTERM and resolves with the exit and how long it took. */
async function terminate(serve: CliProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  const sent = Date.now();
  serve.child.kill('SIGTERM');
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running ${STOP_WITHIN_MS} ms after SIGTERM`)), STOP_WITHIN_MS));
  try {
    const exit = await Promise.race([serve.exited, timeout]);
    return { ...exit, ms: Date.now() - sent };
  } finally {
    serve.child.kill('SIGKILL');
  }
}

describe('energy-ledger serve (spawned) and SIGTERM', () => {
  it('exits 0 within a few seconds of SIGTERM once ready, after serving the backfilled ledger', async () => {
    const { serve, url } = await spawnServe();
    await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, 30_000, 100);
    // The counters appear once the restore of the hours before the backfill is published.
    await waitFor(async () => (await (await fetch(`${url}/metrics`)).text()).includes('\nenergy_ledger_restore_progress_ratio 1\n'), 30_000, 100);
    const metrics = parseExposition(await (await fetch(`${url}/metrics`)).text());
    expect(single(metrics, 'energy_ledger_up')).toBe(1);
    expect(metrics.some((s) => s.name === 'energy_ledger_namespace_energy_joules_total' && s.value > 0)).toBe(true);
    const exit = await terminate(serve);
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(serve.stderr()).toMatch(/"msg":"stopped"/);
  });

  it('exits 0 within a few seconds of SIGTERM while its backfill waits on an unresponsive Prometheus', async () => {
    await prometheus.pause();
    try {
      const { serve, url } = await spawnServe();
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(503);
      await ready.text();
      const exit = await terminate(serve);
      expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    } finally {
      prometheus.resume();
    }
  });
});
