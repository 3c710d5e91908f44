import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The slow test files, in the order of the fastest full run measured (3 forks, 2 cores, 8 Dec 2026: 212 s of
 * vitest), with their seconds in it. Vitest alone orders a fresh clone's files by size (it has no timings yet),
 * so the files that wait on real backends would start late and end the run on their own. The two-minute live
 * check goes first and the CPU-heavy files next; the two that mostly wait (restart-counters sleeps 100 s,
 * replicas-rules waits on rule evaluations) come after those, so that they overlap CPU work instead of
 * starting together and leaving a core idle (a run with all three first took 275 s against 252 s).
 */
export const RUN_FIRST: readonly (readonly [file: string, seconds: number])[] = [
  ['test/e2e/live.test.ts', 127],
  ['test/e2e/poll-failure.test.ts', 23],
  ['test/e2e/backfill-prometheus-v0-3.test.ts', 28],
  ['test/rules/e2e.test.ts', 14],
  ['test/e2e/backfill-prometheus-v0-4-v0-9.test.ts', 11],
  ['test/accuracy/ledger-vs-truth.test.ts', 11],
  ['test/e2e/backfill-prometheus-v0-10.test.ts', 10],
  ['test/bench/bench-smoke.test.ts', 9],
  ['test/rules/promtool.test.ts', 34],
  ['test/support/harness.test.ts', 8],
  ['test/e2e/backfill-victoria-metrics.test.ts', 10],
  ['test/reliability/soak.test.ts', 27],
  ['test/reliability/faults.test.ts', 10],
  ['test/sim/server.test.ts', 6],
  ['test/report/cli-report.test.ts', 3],
  ['test/e2e/restart-counters.test.ts', 101],
  ['test/e2e/replicas-rules.test.ts', 53],
  ['test/rules/carbon-e2e.test.ts', 11],
  ['test/e2e/shards.test.ts', 10],
  ['test/e2e/restore-unattributed.test.ts', 9],
  ['test/e2e/namespace-relabel.test.ts', 7],
  ['test/e2e/restore-prometheus.test.ts', 7],
  ['test/rules/namespace-relabel.test.ts', 6],
  ['test/e2e/gpu-hwmon-prometheus.test.ts', 6],
  ['test/e2e/restore-history.test.ts', 5],
  ['test/e2e/late-samples-prometheus.test.ts', 5],
  ['test/e2e/restore-history-unattributed.test.ts', 5],
];

/** Runs the files of {@link RUN_FIRST} first, in its order, then the rest in Vitest's own order. */
export class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const rank = new Map(RUN_FIRST.map(([file], i) => [file, i]));
    const rankOf = (file: TestSpecification): number => rank.get(path.relative(root, file.moduleId).split(path.sep).join('/')) ?? RUN_FIRST.length;
    // Array#sort is stable: files not listed keep the base order.
    return (await super.sort(files)).sort((a, b) => rankOf(a) - rankOf(b));
  }
}
