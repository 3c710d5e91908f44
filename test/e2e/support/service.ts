import type { DestinationStream } from 'pino';
import { stringify } from 'yaml';
import { loadConfig } from '../../../src/config/index.js';
import { createLogger } from '../../../src/log.js';
import { PrometheusClient } from '../../../src/prometheus/client.js';
import { PrometheusSource } from '../../../src/prometheus/source.js';
import type { Poller } from '../../../src/service/poller.js';
import { runService } from '../../../src/service/run-service.js';
import { waitFor } from '../../support/wait-for.js';
import { parseExposition, type ExposedSample } from './exposition.js';

/** Options of {@link startService}. */
export interface StartServiceOptions {
  readonly prometheusUrl: string;
  /** More config keys, as in the YAML file (e.g. `{ interval: '3s', prometheus: { max_range: '47m' } }`). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Wall clock, unix seconds (default the real one). */
  readonly now?: () => number;
  /** Where the service's log lines go (default stderr). */
  readonly logDestination?: DestinationStream;
  /** Also wait until the restore of the hours before the backfill is published (default true). */
  readonly waitRestored?: boolean;
}

/** One row of `/api/v1/hours`. */
export interface HourJson {
  readonly start: string;
  readonly start_unix: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly joules: number;
  readonly watt_hours: number;
}

/** A `serve` running in this process. */
export interface RunningService {
  readonly url: string;
  readonly poller: Poller;
  /** The ledger's origin (`/api/v1/status`). */
  readonly origin: number;
  /** GET a path, failing on a status other than 200. */
  get(path: string): Promise<string>;
  metrics(): Promise<ExposedSample[]>;
  hours(from?: number): Promise<HourJson[]>;
  /** Aborts the service and waits until it has stopped. */
  stop(): Promise<void>;
}

/**
 * Starts `runService` as `energy-ledger serve` would (config from `loadConfig`, a real Prometheus
 * client), listening on a free port, and waits until `/readyz` says the backfill is complete and the
 * restore of the hours before it is published.
 */
export async function startService(options: StartServiceOptions): Promise<RunningService> {
  const config = loadConfig({
    file: {
      name: 'e2e.yaml',
      text: stringify({
        listen: '127.0.0.1:0',
        interval: '1s',
        backfill: '25h',
        log_level: 'warn',
        ...options.config,
        prometheus: { ...(options.config?.prometheus as object | undefined), url: options.prometheusUrl },
      }),
    },
  });
  const logger = createLogger({ level: config.logLevel, ...(options.logDestination !== undefined && { destination: options.logDestination }) });
  const client = new PrometheusClient({ ...config.prometheus });
  const source = new PrometheusSource(client, { maxRangeSeconds: config.prometheus.maxRangeSeconds, selector: config.prometheus.selector });
  const controller = new AbortController();
  let listening: { url: string; poller: Poller } | undefined;
  const running = runService(
    {
      config,
      logger,
      source,
      prometheus: client,
      version: 'e2e',
      ...(options.now === undefined ? {} : { now: options.now }),
      onListening: (l, poller) => (listening = { url: l.url, poller }),
    },
    controller.signal,
  );
  let failure: unknown;
  running.catch((error: unknown) => (failure = error));
  const get = async (path: string): Promise<string> => {
    const response = await fetch(`${listening!.url}${path}`);
    const body = await response.text();
    if (response.status !== 200) throw new Error(`failed to GET ${path}: HTTP ${response.status} ${body}`);
    return body;
  };
  try {
    await waitFor(async () => {
      if (failure !== undefined) throw new Error(`the service stopped: ${String(failure)}`);
      if (listening === undefined) return false;
      const ready = await fetch(`${listening.url}/readyz`);
      await ready.text();
      // Ready, and the hours before the backfill restored and published (previous_day, month_to_date, counters).
      return ready.status === 200 && (listening.poller.restored || options.waitRestored === false);
    }, 60_000, 50);
  } catch (error) {
    controller.abort();
    await running.catch(() => undefined);
    throw error;
  }
  const status = JSON.parse(await get('/api/v1/status')) as { origin: number };
  return {
    url: listening!.url,
    poller: listening!.poller,
    origin: status.origin,
    get,
    metrics: async () => parseExposition(await get('/metrics')),
    hours: async (from) => (JSON.parse(await get(`/api/v1/hours${from === undefined ? '' : `?from=${from}`}`)) as { hours: HourJson[] }).hours,
    async stop() {
      controller.abort();
      await running;
    },
  };
}
