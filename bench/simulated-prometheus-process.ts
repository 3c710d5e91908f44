/**
 * The simulated Prometheus API in a child process of its own, so that its CPU time is not the
 * measured process's and the two run on separate CPUs, as with a real Prometheus.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { ServeStats } from './simulated-prometheus-api.js';

/** A running simulated Prometheus process. */
export interface SimulatedPrometheusProcess {
  readonly url: string;
  stats(): Promise<ServeStats>;
  stop(): Promise<void>;
}

/** Starts the simulated API over the bench cluster of `[start, end]` (unix seconds). */
export async function forkSimulatedPrometheus(start: number, end: number): Promise<SimulatedPrometheusProcess> {
  const main = fileURLToPath(new URL('./simulated-prometheus-main.ts', import.meta.url));
  const child = fork(main, [String(start), String(end)], { execArgv: ['--import', 'tsx', '--max-old-space-size=4096'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = once(child, 'exit');
  const [message] = (await Promise.race([once(child, 'message'), exited.then(([code]) => Promise.reject(new Error(`simulated Prometheus exited with ${code}`)))])) as [{ url: string }];
  return {
    url: message.url,
    stats: async () => (await (await fetch(`${message.url}/stats`)).json()) as ServeStats,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.disconnect();
      await exited;
    },
  };
}
