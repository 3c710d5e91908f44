import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HOUR_SECONDS, hourStart } from '../../../src/core/time.js';
import { generateScenario, writeOpenMetrics } from '../../../src/sim/index.js';
import type { RunningBackend } from '../../support/backend.js';
import { createBlocksFromOpenMetrics } from '../../support/blocks.js';
import { startPrometheus } from '../../support/prometheus-server.js';
import { waitFor } from '../../support/wait-for.js';
import type { ExposedSample } from './exposition.js';
import { ledgerMetricNames } from './history.js';
import { stopPair, type StartedPair } from './replica-pair.js';
import { startService, type HourJson, type RunningService } from './service.js';

const PERIOD = 'energy_ledger_namespace_period_energy_watt_hours';
const COUNTER = 'energy_ledger_namespace_energy_joules_total';

/** Namespace counters and previous_day, month_to_date and current_day, keyed by period (or `counter`) and namespace. */
export function namespaceEnergy(samples: readonly ExposedSample[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.name === COUNTER) out.set(`counter ${s.labels.namespace}`, s.value);
    if (s.name === PERIOD && ['previous_day', 'month_to_date', 'current_day'].includes(s.labels.period!)) out.set(`${s.labels.period} ${s.labels.namespace}`, s.value);
  }
  return out;
}

/**
 * OpenMetrics of what replicas of A published about every hour in `hours` (rows of `/api/v1/hours`): in the
 * last minutes of every next hour its `previous_hour` gauges and its data watermark in the same scrapes, for
 * two replicas (`a-0`, `a-1`: never counted twice) and with a decoy scrape on each hour boundary whose
 * `previous_hour` is already the next hour (paired by its watermark, never taken). Namespace hours only.
 */
function publishedHistory(hours: readonly HourJson[]): string {
  const byHour = new Map<number, HourJson[]>();
  for (const r of hours) byHour.set(r.start_unix, [...(byHour.get(r.start_unix) ?? []), r]);
  const lines: string[] = [];
  const gauge: string[] = [];
  const wm: string[] = [];
  const starts = [...byHour.keys()].sort((a, b) => a - b);
  for (const h of starts) {
    const end = h + 2 * HOUR_SECONDS;
    for (const [instance, offset] of [['a-0', 60], ['a-1', 45]] as const) {
      const t = end - offset;
      wm.push(`energy_ledger_data_watermark_timestamp_seconds{job="energy-ledger",instance="${instance}"} ${end - 1800} ${t}`);
      for (const r of byHour.get(h)!) {
        gauge.push(`energy_ledger_namespace_period_energy_watt_hours{job="energy-ledger",instance="${instance}",namespace="${r.labels.namespace}",period="previous_hour"} ${r.joules / 3600} ${t}`);
      }
      // The decoy: on the boundary the watermark is in the next hour, and so is previous_hour.
      wm.push(`energy_ledger_data_watermark_timestamp_seconds{job="energy-ledger",instance="${instance}"} ${end + 1} ${end}`);
      for (const r of byHour.get(h)!) {
        gauge.push(`energy_ledger_namespace_period_energy_watt_hours{job="energy-ledger",instance="${instance}",namespace="${r.labels.namespace}",period="previous_hour"} 1e6 ${end}`);
      }
    }
  }
  // OpenMetrics wants the samples of one series together and in time order: group by series.
  const bySeries = new Map<string, string[]>();
  for (const line of [...wm, ...gauge]) {
    const series = line.slice(0, line.indexOf('}') + 1);
    bySeries.set(series, [...(bySeries.get(series) ?? []), line]);
  }
  lines.push('# TYPE energy_ledger_data_watermark_timestamp_seconds gauge');
  for (const [series, list] of bySeries) if (series.startsWith('energy_ledger_data')) lines.push(...sortByTime(list));
  lines.push('# TYPE energy_ledger_namespace_period_energy_watt_hours gauge');
  for (const [series, list] of bySeries) if (series.startsWith('energy_ledger_namespace')) lines.push(...sortByTime(list));
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}

const sortByTime = (list: string[]): string[] => [...new Set(list)].sort((a, b) => Number(a.split(' ').at(-1)) - Number(b.split(' ').at(-1)));

/** Issue 12's history setup: a real Prometheus whose raw Kepler samples before `cutoff` are gone, replaced by A's published hours. */
export interface HistoryPair {
  readonly prometheus: RunningBackend;
  /** `--backfill 20h`, restored. */
  readonly b: RunningService;
  /** What A (`--backfill 56h`, stopped since) published: {@link namespaceEnergy}. */
  readonly expected: Map<string, number>;
  /** A's `/api/v1/hours` from the start of the data. */
  readonly hoursA: HourJson[];
  readonly dataStart: number;
  /** B's origin, and the end of the raw samples deleted. */
  readonly originB: number;
  readonly cutoff: number;
  stop(): Promise<void>;
}

/**
 * Writes 54 h of simulated v0.10+ data into a real Prometheus; replica A (`config` and `--backfill 56h`) reads
 * it all and stops. Then A's published history of the hours before B's origin is written (see
 * {@link publishedHistory}), the raw Kepler samples up to B's origin − 5 h 10 min are deleted (admin API
 * `delete_series`, then `clean_tombstones`) and replica B (`config` and `--backfill 20h`) restores.
 */
export async function startHistoryPair(seed: number, config: Readonly<Record<string, unknown>> = {}): Promise<HistoryPair> {
  const dir = await mkdtemp(path.join(tmpdir(), 'e2e-history-'));
  const started: StartedPair = {};
  const stop = (): Promise<void> => stopPair(started, dir);
  try {
    const now = Date.now() / 1000;
    const dataEnd = Math.floor(now);
    const start = hourStart(now) - 54 * HOUR_SECONDS;
    const scenario = generateScenario({ schema: 'v0.10+', seed, start, durationSeconds: 55 * HOUR_SECONDS, nodes: 2, namespaces: 4, podsPerNamespace: 2, churn: 1, scrapeIntervalSeconds: 30 });
    const file = path.join(dir, 'kepler.om.txt');
    await writeOpenMetrics(scenario, file, { from: start - 1, to: dataEnd, metrics: ledgerMetricNames('v0.10+'), match: '{zone=~"package|dram|"}' });
    const prometheus = (started.prometheus = await startPrometheus({ blocksFrom: file, storageDir: path.join(dir, 'data') }));
    // Retention 60h: `/api/v1/hours` serves the hour ring, and every hour of the data is needed for the history.
    const a = (started.a = await startService({ prometheusUrl: prometheus.url, config: { ...config, backfill: '56h', retention: '60h' } }));
    await waitFor(() => a.poller.restored, 120_000, 50);
    const expected = namespaceEnergy(await a.metrics());
    const hoursA = await a.hours(start);
    await a.stop();
    started.a = undefined;

    // B's origin will be the hour start 20 h back. The raw samples go up to 5 h 10 min before it: B takes
    // the hours before from the history, and compares the 4 whole hours that both hold (none may differ).
    const originB = hourStart(Date.now() / 1000 - 20 * HOUR_SECONDS);
    const cutoff = originB - 5 * HOUR_SECONDS - 600;
    await prometheus.kill('SIGTERM');
    const historyFile = path.join(dir, 'history.om.txt');
    await writeFile(historyFile, publishedHistory(hoursA.filter((r) => r.start_unix < originB)));
    await createBlocksFromOpenMetrics(historyFile, prometheus.dataDir, { maxBlockDuration: '72h' });
    await prometheus.restart();
    for (const [endpoint, params] of [
      ['delete_series', { 'match[]': '{__name__=~"kepler_.+"}', start: '0', end: String(cutoff) }],
      ['clean_tombstones', {}],
    ] as const) {
      const response = await fetch(`${prometheus.url}/api/v1/admin/tsdb/${endpoint}`, { method: 'POST', body: new URLSearchParams(params) });
      if (response.status !== 204) throw new Error(`${endpoint}: HTTP ${response.status}`);
    }
    const b = (started.b = await startService({ prometheusUrl: prometheus.url, config: { ...config, backfill: '20h' } }));
    await waitFor(() => b.poller.restored, 120_000, 50);
    return { prometheus, b, expected, hoursA, dataStart: start, originB, cutoff, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
