import { describe, expect, it } from 'vitest';
import { renderExposition, type SimulatorServer } from '../../src/sim/index.js';
import { T0, handScenario, pod } from '../sim/hand-scenario.js';
import { answerTo, parseExposition, storedSpanTruth, type LiveCluster } from './live-support.js';

describe('answerTo', () => {
  it('takes the last answer from the stamp to one interval later, not a later scrape nor one long before', () => {
    expect(answerTo([9.5, 10.2, 10.7, 11.1], 10, 1)).toBe(10.7);
    expect(answerTo([9.5, 11.1], 10, 1)).toBeUndefined();
    expect(answerTo([9.998], 10, 1)).toBe(9.998);
  });
});

describe('storedSpanTruth', () => {
  it('follows the tick a node answered when the answer to the last scrape before a restart came after a tick its stamp precedes', () => {
    // Kepler on n1 ticks every 5 s from T0 and restarts at T0 + 60 (down 4 s); pod a draws 10 W + 2 W.
    const scenario = handScenario('v0.10+', [pod('a', 'batch', 'n1', -100, undefined, [[-100, 10, 2]])], {
      scrapeIntervalSeconds: 1,
      restarts: [{ node: 'n1', time: T0 + 60, downSeconds: 4 }],
    });
    // Scrapes stamped every second at .95; the one stamped 54.95 is answered at 55.02, after the tick at 55;
    // those stamped 55.95 to 63.95 stored nothing (timed out, or Kepler restarting).
    const stamps = [...Array.from({ length: 45 }, (_, i) => 10.95 + i), ...Array.from({ length: 37 }, (_, i) => 64.95 + i)].map((s) => T0 + s);
    const answer = (stamp: number): number => (stamp === T0 + 54.95 ? T0 + 55.02 : stamp + 0.01);
    const cluster: LiveCluster = {
      scenario,
      server: undefined as unknown as SimulatorServer,
      toScenarioTime: (wall) => wall,
      answeredAt: (node, wall) => answerTo(node === 'n1' ? stamps.map(answer) : [], wall, 1),
      scrapeConfig: () => ({}),
      stopScrapes: () => undefined,
      close: async () => undefined,
    };
    // What the counters showed: the served package + dram values of pod a, summed over its deltas (a drop is a reset).
    const shown = stamps.map((stamp) =>
      parseExposition(renderExposition(scenario, 'n1', answer(stamp)))
        .filter((s) => s.name === 'kepler_pod_cpu_joules_total' && (s.labels.zone === 'package' || s.labels.zone === 'dram'))
        .reduce((sum, s) => sum + s.value, 0),
    );
    const counted = shown.reduce((sum, v, i) => (i === 0 ? 0 : sum + (v >= shown[i - 1]! ? v - shown[i - 1]! : v)), 0);
    // 12 W over (10, 55] and (60, 100]; with the stamps' ticks it would be (10, 50] and (60, 100].
    expect(counted).toBeCloseTo(12 * (45 + 40), 6);
    expect(storedSpanTruth(cluster, new Map([['n1', stamps]])).get('batch')).toBeCloseTo(counted, 6);
  });
});
