import { configDefaults, defineConfig } from 'vitest/config';
import { SlowestFirstSequencer } from './test/support/slowest-first-sequencer.js';
import { E2E_TESTS } from './test/support/suites.js';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start real Prometheus servers and spend much of their time waiting on them (the live
    // check sleeps two minutes): three workers on two cores measured 313 s against 377 s for two, same tree,
    // same load (4 workers: 298 s, but one service stop outlived its 120 s hook).
    maxConcurrency: 4,
    maxWorkers: 3,
    pool: 'forks',
    // A fresh clone has no timings: start the files that wait on real backends first, so the two-minute
    // live check does not end the run alone.
    sequence: { sequencer: SlowestFirstSequencer },
    // `vitest run --project unit` (npm run test:unit) or `--project e2e`; `vitest run` runs both.
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...E2E_TESTS] } },
      { extends: true, test: { name: 'e2e', include: [...E2E_TESTS] } },
    ],
  },
});
