import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { requireBinary } from './binary.js';
import { backendDirs, launchBackend, type RunningBackend } from './backend.js';

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
  /** Makes every stored sample searchable now (scraped ones otherwise appear only after ~10 s, measured on 1.79). */
  flush(): Promise<void>;
}

/**
 * Starts the real single-node VictoriaMetrics (Debian `victoria-metrics`, 1.79) on 127.0.0.1.
 * Flags: `-search.latencyOffset=0s` so fresh samples are visible at once (default hides the newest 30 s),
 * `-search.disableCache` so backfilled samples are not hidden by the rollup cache, and
 * `-search.maxQueryLen=1MB` (default 16 KiB) for long POSTed selectors.
 */
export async function startVictoriaMetrics(options: StartVictoriaMetricsOptions = {}): Promise<RunningVictoriaMetrics> {
  const binary = requireBinary('victoria-metrics', 'victoria-metrics');
  const dirs = await backendDirs('vm');
  const args = [
    `-storageDataPath=${dirs.dataDir}`,
    '-retentionPeriod=1y',
    '-search.latencyOffset=0s',
    '-search.disableCache',
    '-search.maxQueryLen=1MB',
    '-loggerLevel=WARN',
  ];
  if (options.scrapeConfigs !== undefined) {
    const configFile = path.join(dirs.tempDir, 'scrape.yml');
    const interval = options.scrapeInterval ?? '1s';
    await writeFile(configFile, stringify({ global: { scrape_interval: interval }, scrape_configs: options.scrapeConfigs }));
    args.push(`-promscrape.config=${configFile}`);
  }
  const backend = await launchBackend({
    binary,
    dirs,
    readyPath: '/health',
    args: (address) => [`-httpListenAddr=${address}`, ...args, ...(options.extraArgs ?? [])],
  });
  return { ...backend, importPrometheusText: (text) => importPrometheusText(backend.url, text), flush: () => forceFlush(backend.url) };
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
  await forceFlush(url);
}

/** `/internal/force_flush`: the samples in VictoriaMetrics' in-memory buffers become searchable. */
async function forceFlush(url: string): Promise<void> {
  const flushed = await fetch(`${url}/internal/force_flush`);
  await flushed.text();
  if (flushed.status !== 200) throw new Error(`failed to flush samples in ${url}: HTTP ${flushed.status}`);
}
