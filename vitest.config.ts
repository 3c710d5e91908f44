import { defineConfig } from 'vitest/config';
import { SlowestFirstSequencer } from './test/support/slowest-first-sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start real Prometheus servers; two cores only.
    maxConcurrency: 4,
    maxWorkers: 2,
    pool: 'forks',
    // A fresh clone has no timings: start the files that wait on real backends first, so the two-minute
    // live check does not end the run alone.
    sequence: { sequencer: SlowestFirstSequencer },
  },
});
