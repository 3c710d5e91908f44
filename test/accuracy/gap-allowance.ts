import type { Scope } from '../../src/core/types.js';
import { isExportedPod, podPower, type Scenario, type ScrapeGap, type SimPod } from '../../src/sim/index.js';

const HOUR = 3600;

/**
 * Largest minus smallest total power (package + dram + gpu) of the pod in [a, b]; where the pod is not
 * alive its power is 0.
 */
export function powerSwing(pod: SimPod, a: number, b: number): number {
  const power = (t: number): number => podPower(pod, 'package', t) + podPower(pod, 'dram', t) + podPower(pod, 'gpu', t);
  const levels = [power(a), ...pod.profile.times.filter((t) => t > a && t <= b).map(power)];
  if (pod.start > a || (pod.end ?? Infinity) <= b) levels.push(0);
  return Math.max(...levels) - Math.min(...levels);
}

/** The span no sample covers because of a gap: from (at worst) a scrape before it to a scrape after it. */
function missingSpan(scenario: Scenario, g: ScrapeGap): [number, number] {
  return [g.start - scenario.scrapeIntervalSeconds, g.end + scenario.scrapeIntervalSeconds];
}

/**
 * Whether a scrape gap makes the hour inexact: for v0.3 gauges any gap whose span overlaps the hour;
 * for counters only a gap whose span contains the hour's start or end (the change over a gap is exact,
 * only its split in time is not).
 */
export function gapAffects(scenario: Scenario, hourStart: number): boolean {
  return scenario.gaps.some((g) => affects(scenario, g, hourStart));
}

function affects(scenario: Scenario, g: ScrapeGap, hourStart: number): boolean {
  const [a, b] = missingSpan(scenario, g);
  if (scenario.schema === 'v0.3') return a < hourStart + HOUR && b > hourStart;
  return (a < hourStart && b > hourStart) || (a < hourStart + HOUR && b > hourStart + HOUR);
}

/**
 * Joules by which a group-hour may miss the truth because of scrape gaps, beyond ordinary sampling:
 * what no poller can know about the energy inside a gap. The pods of the group contribute each
 * `L × swing` (L the span without samples, swing the pod's power range over it):
 * - counters (v0.4+): the change over the gap is exact but is split linearly in time; an hour boundary
 *   at fraction f of the span gets it wrong by at most f(1 − f)·L·swing ≤ L·swing/4, and only the hours
 *   whose boundary lies in the span are affected;
 * - v0.3 gauges: the first value after the gap (the last 3 s) stands for the whole span, wrong by at most
 *   L·swing for the hours the span touches (a pod starting in the gap: swing from 0).
 */
export function gapAllowance(scenario: Scenario, scope: Scope, group: string, hourStart: number): number {
  const members = scenario.pods.filter((p) =>
    scope === 'node' ? p.node === group : p.namespace === group && isExportedPod(scenario.schema, p),
  );
  let joules = 0;
  for (const g of scenario.gaps) {
    if (!affects(scenario, g, hourStart)) continue;
    const [a, b] = missingSpan(scenario, g);
    const swing = members.reduce((w, p) => w + powerSwing(p, a - scenario.tickSeconds, b), 0);
    joules += (b - a) * swing * (scenario.schema === 'v0.3' ? 1 : 0.25);
  }
  return joules;
}
