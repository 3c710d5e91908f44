import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { requireBinary } from './binary.js';
import { startAndWaitReady, type RunningBackend } from './backend.js';
import { createBlocksFromOpenMetrics } from './blocks.js';
import { freePort } from './free-port.js';
import { ManagedProcess } from './managed-process.js';

/** Options of {@link startPrometheus}. */
export interface StartPrometheusOptions {
  /** `scrape_configs` entries of the generated prometheus.yml (plain objects, serialised as YAML). */
  readonly scrapeConfigs?: readonly Record<string, unknown>[];
  /** Global `scrape_interval` (and `evaluation_interval`), e.g. `1s`. Default `1s`. */
  readonly scrapeInterval?: string;
  /** Use this TSDB directory instead of `<tempdir>/data` (it is not removed on stop). */
  readonly storageDir?: string;
  /** OpenMetrics file turned into TSDB blocks (promtool) in the data dir before Prometheus starts. */
  readonly blocksFrom?: string;
  /** `--storage.tsdb.retention.time`. Default `30d`. */
  readonly retention?: string;
  /** More command-line flags. */
  readonly extraArgs?: readonly string[];
  /** `rule_files` of the generated prometheus.yml (absolute paths); evaluated every `scrapeInterval` unless a group sets its own interval. */
  readonly ruleFiles?: readonly string[];
}

/**
 * Starts the real Prometheus binary (Debian 2.42) on 127.0.0.1 with a free port and a fresh temp dir,
 * waits for `/-/ready`, and returns handles to stop, pause and restart it.
 *
 * Backfill facts measured on 2.42: blocks created by promtool BEFORE start are loaded at start and are
 * queryable at once, even when they reach up to "now". Blocks written into the data dir of a RUNNING
 * Prometheus appear only at its next block reload (the compaction cycle, about once a minute).
 * Overlapping blocks (and blocks overlapping the head) are accepted by default since 2.39, so
 * `--storage.tsdb.allow-overlapping-blocks` is not needed (2.42 still accepts it as a no-op).
 * Backfilled history of a series and its freshly scraped samples are served together (tested).
 * The first scrape happens about 5 s after start (the discovery manager's update throttle).
 */
export async function startPrometheus(options: StartPrometheusOptions = {}): Promise<RunningBackend> {
  const binary = requireBinary('prometheus', 'prometheus');
  const tempDir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-prometheus-'));
  const dataDir = options.storageDir ?? path.join(tempDir, 'data');
  await mkdir(dataDir, { recursive: true });
  const interval = options.scrapeInterval ?? '1s';
  const configFile = path.join(tempDir, 'prometheus.yml');
  await writeFile(
    configFile,
    stringify({
      global: { scrape_interval: interval, evaluation_interval: interval },
      scrape_configs: options.scrapeConfigs ?? [],
      ...(options.ruleFiles === undefined ? {} : { rule_files: options.ruleFiles }),
    }),
  );
  if (options.blocksFrom !== undefined) await createBlocksFromOpenMetrics(options.blocksFrom, dataDir);

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = new ManagedProcess(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      `--storage.tsdb.retention.time=${options.retention ?? '30d'}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-admin-api',
      '--log.level=warn',
      ...(options.extraArgs ?? []),
    ],
    tempDir,
  );
  const start = async (): Promise<void> => {
    try {
      await startAndWaitReady(proc, `${url}/-/ready`);
    } catch (error) {
      await rm(tempDir, { recursive: true, force: true });
      throw error;
    }
  };
  await start();

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
      await startAndWaitReady(proc, `${url}/-/ready`);
    },
    log: () => proc.log,
  };
}
