import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { requireBinary } from './binary.js';
import { startAndWaitReady, type RunningBackend } from './backend.js';
import { freePort } from './free-port.js';
import { ManagedProcess } from './managed-process.js';

/** Options of {@link startVictoriaMetrics}. */
export interface StartVictoriaMetricsOptions {
  /** `scrape_configs` entries for `-promscrape.config` (omitted: no scraping). */
  readonly scrapeConfigs?: readonly Record<string, unknown>[];
  /** Global `scrape_interval`. Default `1s`. */
  readonly scrapeInterval?: string;
  /** More command-line flags (`-flag=value`). */
  readonly extraArgs?: readonly string[];
}

/** A running VictoriaMetrics with a helper to backfill samples. */
export interface RunningVictoriaMetrics extends RunningBackend {
  /** Imports Prometheus text with millisecond timestamps and makes it visible to queries at once. */
  importPrometheusText(text: string): Promise<void>;
}

/**
 * Starts the real single-node VictoriaMetrics (Debian `victoria-metrics`, 1.79) on 127.0.0.1.
 * Flags: `-search.latencyOffset=0s` so fresh samples are visible at once (default hides the newest 30 s),
 * `-search.disableCache` so backfilled samples are not hidden by the rollup cache, and
 * `-search.maxQueryLen=1MB` (default 16 KiB) for long POSTed selectors.
 */
export async function startVictoriaMetrics(options: StartVictoriaMetricsOptions = {}): Promise<RunningVictoriaMetrics> {
  const binary = requireBinary('victoria-metrics', 'victoria-metrics');
  const tempDir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-vm-'));
  const dataDir = path.join(tempDir, 'data');
  await mkdir(dataDir, { recursive: true });
  const args = [
    `-storageDataPath=${dataDir}`,
    '-retentionPeriod=1y',
    '-search.latencyOffset=0s',
    '-search.disableCache',
    '-search.maxQueryLen=1MB',
    '-loggerLevel=WARN',
  ];
  if (options.scrapeConfigs !== undefined) {
    const configFile = path.join(tempDir, 'scrape.yml');
    const interval = options.scrapeInterval ?? '1s';
    await writeFile(configFile, stringify({ global: { scrape_interval: interval }, scrape_configs: options.scrapeConfigs }));
    args.push(`-promscrape.config=${configFile}`);
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = new ManagedProcess(binary, [`-httpListenAddr=127.0.0.1:${port}`, ...args, ...(options.extraArgs ?? [])], tempDir);
  try {
    await startAndWaitReady(proc, `${url}/health`);
  } catch (error) {
    await rm(tempDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    dataDir,
    async stop() {
      await proc.stop();
      await rm(tempDir, { recursive: true, force: true });
    },
    kill: (signal) => proc.kill(signal),
    pause: () => proc.pause(),
    resume: () => void proc.kill('SIGCONT'),
    async restart() {
      await proc.stop();
      await startAndWaitReady(proc, `${url}/health`);
    },
    log: () => proc.log,
    importPrometheusText: (text) => importPrometheusText(url, text),
  };
}

/**
 * POSTs Prometheus exposition text (`name{labels} value timestamp_ms` lines) to
 * `/api/v1/import/prometheus`, then `/internal/force_flush` so the samples are searchable immediately
 * (without it VictoriaMetrics 1.79 shows them only after its in-memory buffers are flushed, ~seconds).
 */
export async function importPrometheusText(url: string, text: string): Promise<void> {
  const imported = await fetch(`${url}/api/v1/import/prometheus`, { method: 'POST', body: text });
  const detail = await imported.text();
  if (imported.status !== 204 && imported.status !== 200) {
    throw new Error(`failed to import samples into ${url}: HTTP ${imported.status} ${detail}`);
  }
  const flushed = await fetch(`${url}/internal/force_flush`);
  await flushed.text();
  if (flushed.status !== 200) throw new Error(`failed to flush samples in ${url}: HTTP ${flushed.status}`);
}
