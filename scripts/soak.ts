/**
 * The long soak: `node --expose-gc --import tsx scripts/soak.ts [polls] [scrapesPerPoll] [spawnEvery] [lifetime]`
 * (defaults 20000 polls = 166 simulated hours, 4 scrapes per poll, a namespace every 60 s living 40 min). Prints the figures recorded in bench/RESULTS.md.
 * The suite runs a shorter one (test/reliability/soak.test.ts).
 */
import { runSoak } from '../test/reliability/soak-run.js';

const polls = Number(process.argv[2] ?? 20_000);
const scrapesPerPoll = Number(process.argv[3] ?? 4);
const spawnEvery = Number(process.argv[4] ?? 60);
const lifetime = Number(process.argv[5] ?? 2400);
const result = await runSoak({ polls, scrapesPerPoll, heapSamples: 10, spawnEvery, lifetime });
const heap = result.heapMiB.map((h) => h.toFixed(1)).join(', ');
console.log(
  [
    `polls ${result.polls} (${result.simulatedHours.toFixed(1)} simulated hours), failed ${result.failedPolls}`,
    `scrapes ${result.scrapes}, failed ${result.failedScrapes}`,
    `namespaces seen ~${result.namespacesSeen} (~${Math.round(lifetime / spawnEvery)} alive at once, 2 pods x 2 zones each)`,
    `wall time ${result.seconds.toFixed(1)} s (${((result.seconds / result.polls) * 1000).toFixed(2)} ms per poll with its scrapes), slowest poll ${result.maxPollMs.toFixed(1)} ms`,
    `heapUsed after GC (MiB), ${result.heapMiB.length} samples: ${heap}`,
    `error log lines: ${result.errorLogLines.length}`,
  ].join('\n'),
);
