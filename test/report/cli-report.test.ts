import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackendWithHistory, type LoadedBackend } from '../e2e/support/backends.js';
import { ROOT } from '../e2e/support/cli.js';
import { historyScenario } from '../e2e/support/history.js';
import { parseReportCsv } from '../e2e/support/report-csv.js';

const run = promisify(execFile);

/** `energy-ledger report …` spawned from the sources (tsx), without any ENERGY_LEDGER_ variable. */
async function report(args: readonly string[]): Promise<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ENERGY_LEDGER_')));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli.ts'), 'report', ...args], { cwd: ROOT, env, timeout: 60_000 });
  return stdout;
}

let dir: string;
let loaded: LoadedBackend;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'report-cli-'));
  loaded = await startBackendWithHistory('prometheus', historyScenario('v0.10+', Date.now() / 1000), dir);
}, 120_000);

afterAll(async () => {
  await loaded?.backend.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('report --period today --step 1d --top 2 --format markdown, spawned against a real Prometheus', () => {
  it('prints one Markdown row per kept namespace and one for the rest, equal to the sums of the hourly CSV report', async () => {
    const url = loaded.backend.url;
    const markdown = await report(['--prometheus-url', url, '--period', 'today', '--timezone', 'UTC', '--step', '1d', '--top', '2', '--format', 'markdown']);
    const lines = markdown.trim().split('\n');
    expect(lines.slice(0, 2)).toEqual(['| period_start | period_end | namespace | energy_wh |', '| --- | --- | --- | ---: |']);
    const rows = lines.slice(2).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
    expect(rows).toHaveLength(3);
    expect(rows[2]?.[2]).toBe('other');
    const [from, to] = [rows[0]![0]!, rows[0]![1]!];
    expect(from).toBe(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
    const csv = parseReportCsv(await report(['--prometheus-url', url, '--from', from, '--to', to, '--step', '1h', '--format', 'csv'])).rows;
    const totals = new Map<string, number>();
    for (const r of csv) totals.set(r.namespace, (totals.get(r.namespace) ?? 0) + r.wattHours);
    const ranked = [...totals.entries()].sort(([, a], [, b]) => b - a);
    expect(ranked.length).toBeGreaterThan(2);
    expect(rows.slice(0, 2).map((r) => r[2])).toEqual(ranked.slice(0, 2).map(([ns]) => ns));
    expect(Number(rows[0]![3])).toBeCloseTo(ranked[0]![1], 6);
    expect(Number(rows[1]![3])).toBeCloseTo(ranked[1]![1], 6);
    expect(Number(rows[2]![3])).toBeCloseTo(ranked.slice(2).reduce((s, [, wh]) => s + wh, 0), 6);
  }, 120_000);
});
