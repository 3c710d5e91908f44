/**
 * `/metrics` latency under concurrent load (autocannon on loopback, bounded duration) at 100, 1,000 and
 * 5,000 namespaces, against a plain node:http server returning the same bytes from memory; the express
 * app alone (without the `/metrics` fast path) is measured in the same run for the note. The servers
 * run in a child process (`scrape-server.ts`) so the load generator does not share their event loop.
 * First, the registry's own CPU per scrape in process (`scrape-render.ts`), which other load barely moves.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { scrapeRenderRows } from './scrape-render.js';
import type { BenchModule, BenchOptions, BenchRow } from './types.js';

/** What the child reports once it listens. */
interface Servers {
  readonly product: string;
  /** The same app without the `/metrics` fast path. */
  readonly express: string;
  readonly floor: string;
  readonly bytes: number;
}

/** One load run's figures. */
export interface LoadResult {
  readonly p50: number;
  readonly p99: number;
  readonly requestsPerSecond: number;
  /** Connection errors, timeouts and non-2xx responses. */
  readonly errors: number;
  readonly requests: number;
}

/** Loads `url` with `connections` concurrent connections for `seconds`. */
export async function load(url: string, seconds: number, connections: number): Promise<LoadResult> {
  const r = await autocannon({ url, connections, duration: seconds, timeout: 10 });
  return {
    p50: r.latency.p50,
    p99: r.latency.p99,
    requestsPerSecond: r.requests.average,
    errors: r.errors + r.timeouts + r.non2xx,
    requests: r.requests.total,
  };
}

/** Starts the servers for `namespaces` namespaces in a child process; `cpuMicros` reads its CPU time so far, `stop` ends it. */
export async function startScrapeServers(namespaces: number): Promise<Servers & { cpuMicros(): Promise<number>; stop(): Promise<void> }> {
  const child = fork(fileURLToPath(new URL('./scrape-server.ts', import.meta.url)), [String(namespaces)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [message] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`failed to start the scrape servers: child exited with ${String(code)}`);
    }),
  ])) as [Servers];
  return {
    ...message,
    async cpuMicros() {
      const reply = once(child, 'message') as Promise<[{ cpuMicros: number }]>;
      child.send('cpu');
      return (await reply)[0].cpuMicros;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
}

async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const seconds = opts.full ? 10 : 3;
  const connections = 10;
  const rows: BenchRow[] = [...(await scrapeRenderRows(opts.full ? 100_000 : 20_000))];
  for (const namespaces of [100, 1_000, 5_000]) {
    const servers = await startScrapeServers(namespaces);
    try {
      // Warm-up (JIT, the cached ledger text), then floor, product and Express alone in turn.
      for (const url of [servers.floor, servers.product, servers.express]) await load(url, 1, connections);
      // CPU time of the server process per request: far less sensitive to other load than latency.
      const measure = async (url: string) => {
        const before = await servers.cpuMicros();
        const result = await load(url, seconds, connections);
        return { ...result, cpuMicros: ((await servers.cpuMicros()) - before) / Math.max(1, result.requests) };
      };
      const floor = await measure(servers.floor);
      const product = await measure(servers.product);
      const express = await measure(servers.express);
      const size = `${(servers.bytes / 1024).toFixed(0)} KiB body, ${connections} connections, ${seconds} s`;
      rows.push({
        name: `${namespaces} namespaces: /metrics p99 latency`,
        figure: product.p99,
        unit: 'ms',
        baseline: floor.p99,
        note:
          `${size}; p50 ${product.p50} ms vs ${floor.p50} ms; ${Math.round(product.requestsPerSecond)} vs ${Math.round(floor.requestsPerSecond)} req/s; ` +
          `Express alone (no fast path): p99 ${express.p99} ms, p50 ${express.p50} ms, ${Math.round(express.requestsPerSecond)} req/s, ${express.errors} errors; baseline: node:http serving the same bytes`,
        goal: { text: '≤ 2× floor', met: product.p99 <= 2 * floor.p99 },
      });
      rows.push({
        name: `${namespaces} namespaces: /metrics CPU per request`,
        figure: product.cpuMicros,
        unit: 'µs',
        baseline: floor.cpuMicros,
        note: `server process user + system time over the load run / requests; Express alone (no fast path): ${express.cpuMicros.toFixed(0)} µs; baseline: the floor`,
      });
      rows.push({
        name: `${namespaces} namespaces: /metrics errors`,
        figure: product.errors,
        unit: 'errors',
        baseline: floor.errors,
        note: `of ${product.requests} requests (floor: ${floor.requests})`,
        goal: { text: 'none', met: product.errors === 0 },
      });
    } finally {
      await servers.stop();
    }
  }
  return rows;
}

export const scrapeLatency: BenchModule = { name: 'scrape-latency', run };
