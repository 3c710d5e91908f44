import { describe, expect, it } from 'vitest';
import { runSoak } from './soak-run.js';

const POLLS = 1600;
const POLL_SECONDS = 30;
const HEAP_SAMPLES = 8;
const SPAWN_EVERY = 5;
/** Polls between two heap samples. */
const SAMPLE_EVERY = POLLS / HEAP_SAMPLES;
/** Namespaces first seen between two polls. */
const NAMESPACES_PER_POLL = POLL_SECONDS / SPAWN_EVERY;
/**
 * The smallest leak the test must catch: 256 B kept per namespace seen, a seventh of what the ledger keeps per
 * namespace without the cap (~1.8 KiB: the heap grows 25.1 → 33.6 MiB over 800 polls, 4,800 namespaces).
 */
const LEAK_BYTES_PER_NAMESPACE = 256;

/** Least-squares slope of `ys` over `xs`. */
function slope(xs: readonly number[], ys: readonly number[]): number {
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const [mx, my] = [mean(xs), mean(ys)];
  const cov = xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i]! - my), 0);
  return cov / xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
}

describe('soak (bounded, loopback only)', () => {
  it('polls a churning cluster many times under concurrent scrapes with no error and a steady heap', async () => {
    // 1600 polls of 30 s (13.3 simulated hours); a new namespace every 5 s living 2.5 minutes: ~9,600
    // namespaces come and go, ~30 alive at once, and 4 scrapes run during every poll.
    // The ledger keeps each namespace's day totals for 63 days (current_day, previous_day,
    // month_to_date), so without a cap memory follows the namespaces seen in 63 days; a cap bounds it.
    const yaml = 'backfill: 1h\nretention: 2h\nwindows: [5m, 1h]\noverlap: 2m\nmax_namespaces: 100\n';
    const result = await runSoak({ polls: POLLS, pollSeconds: POLL_SECONDS, scrapesPerPoll: 4, heapSamples: HEAP_SAMPLES, spawnEvery: SPAWN_EVERY, lifetime: 150, yaml });
    expect(result.failedPolls).toBe(0);
    expect(result.failedScrapes).toBe(0);
    expect(result.scrapes).toBe(6400);
    expect(result.errorLogLines).toEqual([]);
    expect(result.namespacesSeen).toBeGreaterThan(9000);
    // After warm-up (JIT, the 2 h retention; measured to level off by ~40 % of the run) a leak is a steady
    // climb of the heap after GC. The last five samples span 800 polls, 4,800 namespaces: a leak of
    // LEAK_BYTES_PER_NAMESPACE would climb 256 B × 6 namespaces = 1.5 KiB per poll, 1.17 MiB over them.
    // The climb is the least-squares slope over the samples (GC noise, measured 0.3–0.8 MiB of spread
    // between single samples, mostly averages out) times the polls they span; it must stay below that leak.
    const heap = result.heapMiB.slice(3);
    const polls = heap.map((_, i) => (i + 4) * SAMPLE_EVERY);
    const span = polls.at(-1)! - polls[0]!;
    const leakMiB = (LEAK_BYTES_PER_NAMESPACE * NAMESPACES_PER_POLL * span) / 2 ** 20;
    const climbMiB = slope(polls, heap) * span;
    const figures = `heap MiB after GC: ${result.heapMiB.map((h) => h.toFixed(2)).join(', ')}; climb ${climbMiB.toFixed(2)} MiB, leak bound ${leakMiB.toFixed(2)} MiB`;
    expect(leakMiB).toBeCloseTo(1.17, 2);
    expect(climbMiB, figures).toBeLessThan(leakMiB);
  }, 120_000);
});
