import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds each slow test file took in a full `.ci/run` (2 forks, 2 cores), rounded. Vitest alone runs
 * the largest files first on a fresh clone (it has no timings yet), so these small files that wait on
 * real backends started last and the two-minute live check ended the run on its own. Files sped up
 * since have their new time (harness, measured alone); demo.test.ts (~2 s with a built dist/) is left out.
 */
export const CI_SECONDS: Readonly<Record<string, number>> = {
  'test/e2e/live.test.ts': 127,
  'test/e2e/poll-failure.test.ts': 26,
  'test/e2e/backfill-prometheus-v0-3.test.ts': 22,
  'test/rules/e2e.test.ts': 15,
  'test/e2e/backfill-prometheus-v0-4-v0-9.test.ts': 14,
  'test/accuracy/ledger-vs-truth.test.ts': 12,
  'test/e2e/backfill-prometheus-v0-10.test.ts': 10,
  'test/bench/bench-smoke.test.ts': 10,
  'test/rules/promtool.test.ts': 9,
  'test/support/harness.test.ts': 9,
  'test/e2e/backfill-victoria-metrics.test.ts': 8,
  'test/reliability/soak.test.ts': 8,
  'test/reliability/faults.test.ts': 7,
  'test/sim/server.test.ts': 6,
  'test/report/cli-report.test.ts': 5,
};

/** Runs the files of {@link CI_SECONDS} first, slowest first, then the rest in Vitest's own order. */
export class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const seconds = (file: TestSpecification): number => CI_SECONDS[path.relative(root, file.moduleId).split(path.sep).join('/')] ?? 0;
    // Array#sort is stable: files without a measured time keep the base order.
    return (await super.sort(files)).sort((a, b) => seconds(b) - seconds(a));
  }
}
