import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderExposition } from './exposition.js';
import type { Scenario } from './scenario.js';
import { targetLabels } from './stored.js';
import { scrapeSucceeds, timelineOf } from './timeline.js';

/** Options of {@link startSimulatorServer}. */
export interface SimulatorServerOptions {
  /** Default 0 (a free port). */
  readonly port?: number;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Wall clock, unix seconds. The scenario starts when the server starts. */
  readonly clock: () => number;
  /** Scenario seconds per wall-clock second. Default 1. */
  readonly speed?: number;
  /**
   * Called at every successful answer with the node and the scenario time whose state it served. A
   * scraper stamps its samples with the time it started the scrape, which may be earlier (under load,
   * later than one of Kepler's ticks): this is the time that tells which tick the samples show.
   */
  readonly onServe?: (node: string, scenarioTime: number) => void;
}

/** A running simulator. */
export interface SimulatorServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** `host:port`, for a Prometheus target. */
  readonly address: string;
  /** Node name → path of its `/metrics`. */
  readonly metricsPaths: Readonly<Record<string, string>>;
  /** Scenario time now (unix seconds). */
  scenarioTime(): number;
  close(): Promise<void>;
}

const TEXT_FORMAT = 'text/plain; version=0.0.4; charset=utf-8';

/** A server failed to start. */
export class SimulatorServerError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SimulatorServerError';
  }
}

/**
 * Serves each node's Kepler `/metrics` at `/nodes/<node>/metrics` (`/` lists them; `/metrics` serves the
 * node when there is only one). Scenario time = `scenario.start + (clock() − start) × speed`. While the
 * node's Kepler is restarting, or inside a scrape gap, it answers 503 so Prometheus stores nothing.
 * A terminated v0.10+ pod is shown until the node has been scraped once after its end.
 */
export async function startSimulatorServer(scenario: Scenario, options: SimulatorServerOptions): Promise<SimulatorServer> {
  const timeline = timelineOf(scenario);
  const startedAt = options.clock();
  const speed = options.speed ?? 1;
  const scenarioTime = (): number => scenario.start + (options.clock() - startedAt) * speed;
  const metricsPaths = Object.fromEntries(scenario.nodes.map((n) => [n.name, `/nodes/${encodeURIComponent(n.name)}/metrics`]));
  const lastServed = new Map<string, number>();

  const serveNode = (node: string, res: ServerResponse): void => {
    const t = scenarioTime();
    if (!scrapeSucceeds(scenario, timeline.node(node), t)) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('kepler unavailable (simulated restart or scrape gap)\n');
      return;
    }
    const body = renderExposition(scenario, node, t, { previousScrape: lastServed.get(node) ?? t - scenario.scrapeIntervalSeconds });
    lastServed.set(node, t);
    options.onServe?.(node, t);
    res.writeHead(200, { 'content-type': TEXT_FORMAT }).end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const match = /^\/nodes\/([^/]+)\/metrics$/.exec(path);
    const node = match ? decodeURIComponent(match[1]!) : path === '/metrics' && scenario.nodes.length === 1 ? scenario.nodes[0]!.name : undefined;
    if (node !== undefined && node in metricsPaths) {
      serveNode(node, res);
      return;
    }
    const status = path === '/' ? 200 : 404;
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`Kepler simulator (${scenario.schema})\n${Object.values(metricsPaths).join('\n')}\n`);
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`failed to render metrics: ${String(error)}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new SimulatorServerError(`failed to listen on ${options.host ?? '127.0.0.1'}:${options.port ?? 0}: ${error.message}`, { cause: error })));
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    address: `${host}:${port}`,
    metricsPaths,
    scenarioTime,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/**
 * A Prometheus `scrape_configs` entry that scrapes every node of a simulator server with the target labels a
 * kube-prometheus ServiceMonitor gives Kepler (`job="kepler"`, `instance=<node>`, `namespace="kepler"`, …).
 */
export function simulatorScrapeConfig(server: SimulatorServer, scrapeInterval: string): Record<string, unknown> {
  return {
    job_name: 'kepler',
    scrape_interval: scrapeInterval,
    static_configs: Object.entries(server.metricsPaths).map(([node, path]) => {
      const { job: _job, ...labels } = targetLabels(node);
      return { targets: [server.address], labels: { ...labels, __metrics_path__: path } };
    }),
  };
}
