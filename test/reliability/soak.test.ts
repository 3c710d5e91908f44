import { describe, expect, it } from 'vitest';
import { runSoak } from './soak-run.js';

describe('soak (bounded, loopback only)', () => {
  it('polls a churning cluster many times under concurrent scrapes with no error and a steady heap', async () => {
    // 800 polls of 30 s (6.7 simulated hours); a new namespace every 5 s living 2.5 minutes: ~4,800
    // namespaces come and go, ~30 alive at once, and 4 scrapes run during every poll.
    const result = await runSoak({ polls: 800, scrapesPerPoll: 4, heapSamples: 6, spawnEvery: 5, lifetime: 150 });
    expect(result.failedPolls).toBe(0);
    expect(result.failedScrapes).toBe(0);
    expect(result.scrapes).toBe(3200);
    expect(result.errorLogLines).toEqual([]);
    expect(result.namespacesSeen).toBeGreaterThan(4500);
    // After warm-up (the first sample; retention is 2 h) the heap after GC stays level. Keeping every
    // namespace ever seen (measured by disabling the ledger's forgetting) grows it by ~0.3 KiB each,
    // 1.1 MiB between these samples, which fails this check.
    const heap = result.heapMiB;
    const figures = `heap MiB after GC: ${heap.map((h) => h.toFixed(2)).join(', ')}`;
    expect(heap.at(-1)! - heap[1]!, figures).toBeLessThan(0.8);
  }, 120_000);
});
