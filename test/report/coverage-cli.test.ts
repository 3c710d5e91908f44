import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { formatRfc3339Utc, HOUR_SECONDS, hourStart } from '../../src/core/time.js';
import { generateScenario, type Scenario } from '../../src/sim/index.js';
import { startBackendWithHistory, type LoadedBackend } from '../e2e/support/backends.js';
import type { History } from '../e2e/support/history.js';
import { parseReportCsv } from '../e2e/support/report-csv.js';
import { freePort } from '../support/free-port.js';
import { memoryIo } from '../support/memory-io.js';

const H = HOUR_SECONDS;
const rfc = formatRfc3339Utc;

/** Kepler data for the 4 hours before `anchor` (and up to now) only: Kepler was installed at `anchor − 4 h`. */
function recentHistory(now: number): History {
  const anchor = hourStart(now - 600);
  const generated = generateScenario({
    schema: 'v0.10+',
    seed: 13,
    start: anchor - 4 * H,
    durationSeconds: 5 * H,
    nodes: 2,
    namespaces: 3,
    podsPerNamespace: 1,
    churn: 1,
    scrapeIntervalSeconds: 30,
  });
  // No scrape on the install hour's boundary: the first sample is inside the first hour with data.
  const scenario: Scenario = { ...generated, nodes: generated.nodes.map((n, i) => ({ ...n, scrapePhaseMs: 1000 + i * 7000 })) };
  return { schema: 'v0.10+', scenario, anchor, dataEnd: Math.floor(now) };
}

/** `energy-ledger report …` in-process with the real implementation; its exit code and output. */
async function report(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { io, stdout, stderr } = memoryIo();
  const code = await main(['report', ...args], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

interface JsonRow {
  period_start: string;
  period_end: string;
  namespace: string;
  energy_wh: number | null;
  hours: number;
  hours_with_data: number;
}

let dir: string;
let loaded: LoadedBackend;
let history: History;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'report-coverage-'));
  history = recentHistory(Date.now() / 1000);
  loaded = await startBackendWithHistory('prometheus', history, dir);
}, 120_000);

afterAll(async () => {
  await loaded?.backend.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('report over a period Prometheus holds Kepler data for only in part (issue 13)', () => {
  const installed = (): number => history.anchor - 4 * H;
  const period = (): string[] => ['--prometheus-url', loaded.backend.url, '--from', rfc(installed() - 3 * H), '--to', rfc(history.anchor)];
  const notice = (handling: string): string =>
    `energy-ledger report: no Kepler data in Prometheus from ${rfc(installed() - 3 * H)} to ${rfc(installed())} (3 hours)\n` + `energy-ledger report: ${handling}\n`;

  it('leaves the hours without data out of the CSV, and names them on stderr', async () => {
    const { code, stdout, stderr } = await report([...period(), '--format', 'csv']);
    expect(code).toBe(0);
    expect(stderr).toBe(notice('periods without any data are left out; a period with some data counts only its hours with data'));
    const rows = parseReportCsv(stdout).rows;
    const hours = [...new Set(rows.map((r) => r.periodStart))];
    expect(hours).toEqual([0, 1, 2, 3].map((k) => rfc(installed() + k * H)));
    expect(rows.every((r) => r.wattHours >= 0)).toBe(true);
    expect(rows.reduce((s, r) => s + r.wattHours, 0)).toBeGreaterThan(0);
  });

  it('marks them in JSON: energy_wh null and hours_with_data 0, with every row carrying its coverage', async () => {
    const { code, stdout, stderr } = await report([...period(), '--format', 'json']);
    expect(code).toBe(0);
    expect(stderr).toBe(notice('periods without any data have energy_wh null; every row gives its hours and hours_with_data'));
    const rows = JSON.parse(stdout) as JsonRow[];
    const namespaces = new Set(rows.map((r) => r.namespace));
    expect(namespaces.size).toBeGreaterThan(1);
    for (const r of rows) {
      const withData = r.period_start >= rfc(installed());
      expect(r.hours).toBe(1);
      expect(r.hours_with_data, r.period_start).toBe(withData ? 1 : 0);
      if (withData) expect(typeof r.energy_wh).toBe('number');
      else expect(r.energy_wh).toBeNull();
    }
    expect(rows.length).toBe(7 * namespaces.size);
  });

  it('counts a longer period from its hours with data, and says how many those are', async () => {
    const hourly = JSON.parse((await report([...period(), '--format', 'json'])).stdout) as JsonRow[];
    const { stdout } = await report([...period(), '--step', '7h', '--format', 'json']);
    const rows = JSON.parse(stdout) as JsonRow[];
    expect(rows.length).toBeGreaterThan(1);
    for (const r of rows) {
      expect([r.hours, r.hours_with_data]).toEqual([7, 4]);
      const sum = hourly.filter((h) => h.namespace === r.namespace).reduce((s, h) => s + (h.energy_wh ?? 0), 0);
      expect(r.energy_wh).toBeCloseTo(sum, 9);
    }
  });

  it('says nothing on stderr when every hour has data', async () => {
    const { code, stdout, stderr } = await report(['--prometheus-url', loaded.backend.url, '--from', rfc(installed()), '--to', rfc(history.anchor), '--format', 'csv']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(new Set(parseReportCsv(stdout).rows.map((r) => r.periodStart)).size).toBe(4);
  });
});

describe('report errors name what the user can act on (issue 13)', () => {
  it('says it cannot reach Prometheus, naming its URL and connection refused, not an internal query', async () => {
    const port = await freePort();
    const { code, stdout, stderr } = await report(['--prometheus-url', `http://127.0.0.1:${port}`, '--from', '2026-12-01T00:00:00Z', '--to', '2026-12-01T02:00:00Z']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`energy-ledger report: cannot reach Prometheus at http://127.0.0.1:${port}: connection refused\n`);
  });

  it.each([
    [['--from', '2026-12-01T00:00:00Z', '--to', '2026-12-01T02:30:00Z'], '--to must be on a whole hour (UTC); got "2026-12-01T02:30:00Z"'],
    [['--from', '1796086800', '--to', '1796090000'], '--to must be on a whole hour (UTC); got "1796090000"'],
    [['--from', '2026-12-01T01:00:00+00:30', '--to', '2026-12-01T03:00:00Z'], '--from must be on a whole hour (UTC); got "2026-12-01T01:00:00+00:30"'],
    [['--from', '2026-12-01T00:00:00Z', '--to', '2026-12-01T03:00:00Z', '--step', '90m'], '--step must be a whole number of hours (the ledger keeps hourly totals); got "90m"'],
  ])('echoes a bad %j as typed, exit 2', async (args, message) => {
    const { code, stderr } = await report(['--prometheus-url', 'http://127.0.0.1:1', ...args]);
    expect(code).toBe(2);
    expect(stderr).toBe(`energy-ledger report: ${message}\nRun 'energy-ledger report --help' for usage.\n`);
  });
});
