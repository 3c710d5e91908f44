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
      // The files share their workers' module cache (no per-file isolation): they keep no global state, and
      // importing the source tree once per worker instead of once per file took the unit project from 49.6 s
      // (96 s CPU) to 19.9 s (38 s CPU) alone; the e2e files followed (the whole run, with that day's other test
      // changes: 425 s of CPU, 252 s wall -> 321 s, 212 s).
      { extends: true, test: { name: 'unit', isolate: false, include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...E2E_TESTS] } },
      { extends: true, test: { name: 'e2e', isolate: false, include: [...E2E_TESTS] } },
    ],
  },
});
