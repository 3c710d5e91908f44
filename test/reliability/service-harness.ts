import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/index.js';
import type { Listening } from '../../src/http/listen.js';
import { createLogger } from '../../src/log.js';
import type { PrometheusClient } from '../../src/prometheus/client.js';
import { prometheusFromConfig } from '../../src/service/prometheus-from-config.js';
import type { Poller } from '../../src/service/poller.js';
import { runService } from '../../src/service/run-service.js';
import type { SampleSource } from '../../src/read/sample-source.js';
import { waitFor } from '../support/wait-for.js';

/** One JSON log line of the service. */
export type LogLine = Record<string, unknown> & { level: string; msg: string };

/** A running service with a clock the test moves and every log line captured. */
export interface ServiceUnderTest {
  readonly url: string;
  readonly poller: Poller;
  readonly config: Config;
  /** Sets the service's wall clock (unix seconds). */
  setNow(t: number): void;
  /** Raw log output so far (JSON lines). */
  logText(): string;
  logs(): LogLine[];
  /** `/metrics` text. */
  metrics(): Promise<string>;
  /** A JSON endpoint, parsed. */
  json(path: string): Promise<unknown>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Config file text (YAML); `listen` defaults to 127.0.0.1:0, `interval` to 1h so the test drives polls. */
  readonly yaml: string;
  /** Clock at start. */
  readonly now: number;
  /** Source to read from; default: the Prometheus the config names. */
  readonly source?: SampleSource;
  /** Environment variables for the config (e.g. `ENERGY_LEDGER_PROMETHEUS_BEARER_TOKEN`). */
  readonly env?: Readonly<Record<string, string>>;
  /** How `metrics()` and `json()` fetch (e.g. with credentials and a CA); default the global fetch. */
  readonly fetch?: (url: string) => Promise<Response>;
  /** Level of the captured log (default debug: everything). */
  readonly logLevel?: 'debug' | 'info';
  /** Wait for the backfill to complete before returning (default true). */
  readonly waitReady?: boolean;
}

/**
 * Starts `runService` in-process. The poll loop does its first poll (the backfill) and then sleeps
 * for the configured interval (1 h of real time by default), so the test drives later polls with
 * `poller.pollOnce()` after moving the clock.
 */
export async function startService(options: StartOptions): Promise<ServiceUnderTest> {
  const config = loadConfig({ file: { text: `listen: 127.0.0.1:0\ninterval: 1h\n${options.yaml}`, name: 'test.yaml' }, env: options.env });
  const lines: string[] = [];
  const logger = createLogger({
    level: options.logLevel ?? 'debug',
    destination: new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  });
  let clock = options.now;
  let client: PrometheusClient | undefined;
  let source = options.source;
  if (source === undefined) ({ client, source } = prometheusFromConfig(config, logger));
  const controller = new AbortController();
  let started: { listening: Listening; poller: Poller } | undefined;
  const running = runService(
    { config, logger, source, version: '0.0.0-test', now: () => clock, onListening: (listening, poller) => (started = { listening, poller }) },
    controller.signal,
  );
  let failed: unknown;
  running.catch((error: unknown) => (failed = error));
  const { listening, poller } = await waitFor(() => {
    if (failed !== undefined) throw failed;
    return started;
  }, 10_000);
  if (options.waitReady ?? true) await waitFor(() => poller.ready && poller.restored, 30_000);
  const get = async (path: string) => {
    const response = await (options.fetch ?? fetch)(`${listening.url}${path}`);
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
    return response;
  };
  const logText = () => lines.join('');
  return {
    url: listening.url,
    poller,
    config,
    setNow: (t) => void (clock = t),
    logText,
    logs: () =>
      logText()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as LogLine),
    metrics: async () => (await get('/metrics')).text(),
    json: async (path) => (await get(path)).json(),
    async stop() {
      controller.abort();
      await running;
      await client?.close();
    },
  };
}

/** The value of one sample line `name{labels} value` of an exposition (labels written as in the text), or undefined. */
export function sampleValue(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}
