/**
 * A bounded soak of the whole service in one process (loopback only): many polls over a cluster whose
 * namespaces keep coming and going, with concurrent scrapes of `/metrics` and the JSON API during
 * every poll. The heap is measured after forced collections; shared by the test and `scripts/soak.ts`.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import type { RawSeries } from '../../src/core/types.js';
import type { RangeRequest, SampleSource } from '../../src/read/sample-source.js';
import { startService } from './service-harness.js';

/** Kepler v0.10+ pods of churning namespaces: namespace k is born at `start + k·spawnEvery` and lives `lifetime` s. */
export class ChurnSource implements SampleSource {
  constructor(
    private readonly o: { start: number; spawnEvery: number; lifetime: number; podsPerNamespace: number; scrape: number },
  ) {}

  async fetchRange(request: RangeRequest): Promise<RawSeries[]> {
    if (!request.selector.startsWith('kepler_pod_cpu_joules_total')) return [];
    const { start, spawnEvery, lifetime, podsPerNamespace, scrape } = this.o;
    const out: RawSeries[] = [];
    const first = Math.max(0, Math.floor((request.start - start - lifetime) / spawnEvery));
    const last = Math.floor((request.end - start) / spawnEvery);
    for (let k = first; k <= last; k++) {
      const birth = start + k * spawnEvery;
      const death = birth + lifetime;
      const from = Math.max(birth, Math.floor(request.start / scrape) * scrape + scrape);
      const to = Math.min(death, request.end);
      if (from > to) continue;
      for (let p = 0; p < podsPerNamespace; p++) {
        for (const [zone, watts] of [['package', 5 + (k % 7) + p], ['dram', 1 + (k % 3)]] as const) {
          const timestamps: number[] = [];
          const values: number[] = [];
          for (let t = Math.ceil(from / scrape) * scrape; t <= to; t += scrape) {
            if (t <= request.start) continue;
            timestamps.push(t);
            values.push(watts * (t - birth));
          }
          if (timestamps.length === 0) continue;
          out.push({
            labels: { __name__: 'kepler_pod_cpu_joules_total', node_name: `node-${k % 3}`, pod_id: `uid-${k}-${p}`, pod_name: `pod-${p}`, pod_namespace: `churn-${k}`, zone },
            timestamps,
            values,
          });
        }
      }
    }
    return out;
  }

  async presentMetricNames(names: readonly string[]): Promise<Set<string>> {
    return new Set(names.filter((n) => n === 'kepler_pod_cpu_joules_total'));
  }
}

/** A forced full collection (exposes `gc` at run time if the process was started without --expose-gc). */
export function forceGc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g !== undefined) return g();
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export interface SoakOptions {
  readonly polls: number;
  readonly pollSeconds?: number;
  /** Scrapes fired during each poll (`/metrics`, then the JSON API, alternating). */
  readonly scrapesPerPoll?: number;
  /** Namespaces alive at once ≈ lifetime / spawnEvery. */
  readonly spawnEvery?: number;
  readonly lifetime?: number;
  readonly podsPerNamespace?: number;
  /** Heap samples taken (after a forced GC), evenly over the run. */
  readonly heapSamples?: number;
  readonly yaml?: string;
}

export interface SoakResult {
  readonly polls: number;
  readonly failedPolls: number;
  readonly scrapes: number;
  readonly failedScrapes: number;
  readonly namespacesSeen: number;
  readonly simulatedHours: number;
  readonly seconds: number;
  /** heapUsed in MiB after a forced GC, `heapSamples` points over the run. */
  readonly heapMiB: readonly number[];
  readonly errorLogLines: readonly string[];
  readonly maxPollMs: number;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  // The heap samples measure data, not code: V8 (Node 24) flushes the bytecode of functions idle over a few
  // GCs, which the forced collections below age, and that dropped heapUsed by ~2.6 MiB late in a vitest run
  // (old_space and trusted_space), a fall the steadiness check read as instability.
  setFlagsFromString('--no-flush-bytecode');
  const pollSeconds = options.pollSeconds ?? 30;
  const spawnEvery = options.spawnEvery ?? 60;
  const lifetime = options.lifetime ?? 40 * 60;
  const start = 1_790_000_000;
  const now0 = start + 2 * 3600;
  const source = new ChurnSource({ start, spawnEvery, lifetime, podsPerNamespace: options.podsPerNamespace ?? 2, scrape: 15 });
  const yaml = options.yaml ?? 'backfill: 1h\nretention: 2h\nwindows: [5m, 1h]\noverlap: 2m\n';
  // Info level: the captured log would otherwise grow by a debug line per poll.
  const service = await startService({ yaml, now: now0, source, logLevel: 'info' });
  const samples = options.heapSamples ?? 8;
  const heapMiB: number[] = [];
  let failedPolls = 0;
  let scrapes = 0;
  let failedScrapes = 0;
  let maxPollMs = 0;
  const began = performance.now();
  try {
    for (let i = 1; i <= options.polls; i++) {
      service.setNow(now0 + i * pollSeconds);
      const t0 = performance.now();
      const scrapesNow = Array.from({ length: options.scrapesPerPoll ?? 4 }, async (_, j) => {
        const response = await fetch(`${service.url}${j % 2 === 0 ? '/metrics' : '/api/v1/namespaces'}`);
        await response.arrayBuffer();
        scrapes++;
        if (response.status !== 200) failedScrapes++;
      });
      const [ok] = await Promise.all([service.poller.pollOnce(), ...scrapesNow]);
      maxPollMs = Math.max(maxPollMs, performance.now() - t0);
      if (!ok) failedPolls++;
      if (i % Math.max(1, Math.floor(options.polls / samples)) === 0 && heapMiB.length < samples) {
        forceGc();
        heapMiB.push(process.memoryUsage().heapUsed / 2 ** 20);
      }
    }
    const errorLogLines = service.logs().filter((l) => l.level === 'error' || l.level === 'fatal' || l.msg.startsWith('poll failed')).map((l) => JSON.stringify(l));
    return {
      polls: options.polls,
      failedPolls,
      scrapes,
      failedScrapes,
      namespacesSeen: Math.floor((options.polls * pollSeconds + 2 * 3600) / spawnEvery),
      simulatedHours: (options.polls * pollSeconds) / 3600,
      seconds: (performance.now() - began) / 1000,
      heapMiB,
      errorLogLines,
      maxPollMs,
    };
  } finally {
    await service.stop();
  }
}
