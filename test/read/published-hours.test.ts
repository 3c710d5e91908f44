import { setImmediate } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/core/ledger/index.js';
import { DEFAULT_CLASSIFY_OPTIONS } from '../../src/core/schema/index.js';
import type { HourRow, RawSeries } from '../../src/core/types.js';
import { KeplerReader } from '../../src/read/kepler-reader.js';
import type { Poller } from '../../src/service/poller.js';
import { PublishedHours } from '../../src/read/published-hours.js';
import type { RangeRequest, SampleSource } from '../../src/read/sample-source.js';
import { testPoller } from '../support/test-poller.js';

const ORIGIN = 1_800_000_000; // a whole hour
const PODS = 8000; // ingested in steps of 2,048 series: a few turns of the event loop per ingest
const STEP = 300;

/**
 * Hand-written v0.10+ pods in 40 namespaces, a sample every 5 min from before the origin, each pod
 * using (1 + pod % 5) W: enough series that an ingest takes several turns of the event loop.
 */
class PodsSource implements SampleSource {
  async fetchRange(request: RangeRequest): Promise<RawSeries[]> {
    if (!request.selector.startsWith('kepler_pod_cpu_joules_total')) return [];
    const times: number[] = [];
    for (let t = ORIGIN - STEP; t <= request.end; t += STEP) if (t > request.start) times.push(t);
    return Array.from({ length: PODS }, (_, pod) => ({
      labels: {
        __name__: 'kepler_pod_cpu_joules_total',
        node_name: `node-${pod % 4}`,
        pod_id: `uid-${pod}`,
        pod_name: `pod-${pod}`,
        pod_namespace: `ns-${pod % 40}`,
        zone: 'package',
      },
      timestamps: times,
      values: times.map((t) => 100 + (1 + (pod % 5)) * (t - ORIGIN + STEP)),
    }));
  }

  async presentMetricNames(names: readonly string[]): Promise<Set<string>> {
    return new Set(names.filter((n) => n === 'kepler_pod_cpu_joules_total'));
  }
}

function setUp() {
  const ledger = new Ledger({ origin: ORIGIN, windows: [{ label: '1h', seconds: 3600 }] });
  const read = (from: number, to: number): HourRow[] => ledger.hours('namespace', from, to);
  const hours = new PublishedHours({ read, origin: ORIGIN, namespaceIndex: 0 });
  let now = ORIGIN + 2.5 * 3600 + 60; // hour 2 is held and filled further by the next poll
  const poller = testPoller({
    reader: new KeplerReader({ source: new PodsSource(), schema: 'auto', classify: DEFAULT_CLASSIFY_OPTIONS }),
    ledger,
    now: () => now,
    ledgerChanges: hours,
  });
  const all = () => read(0, 3600 * 2 ** 28);
  return { hours, poller, all, read, advance: (seconds: number) => void (now += seconds) };
}

/** Runs a poll and asks for the hours at every turn of the event loop until it ends. */
async function askDuringPoll(poller: Poller, ask: () => Promise<readonly HourRow[]>, live: () => HourRow[]) {
  const answers: { live: HourRow[]; answer: Promise<readonly HourRow[]> }[] = [];
  let done = false;
  const polled = poller.pollOnce().finally(() => (done = true));
  while (!done) {
    answers.push({ live: live(), answer: ask() });
    await setImmediate();
  }
  expect(await polled).toBe(true);
  return Promise.all(answers.map(async (a) => ({ live: a.live, answer: await a.answer })));
}

describe('PublishedHours', () => {
  it('answers a request during an ingest with the previous poll\'s complete hours, and the new ones once published', async () => {
    const { hours, poller, all, read, advance } = setUp();
    expect(await poller.pollOnce()).toBe(true);
    const previous = all();
    expect(await hours.rows({})).toEqual(previous);

    advance(3600);
    const answers = await askDuringPoll(poller, () => hours.rows({}), all);
    const current = all();
    expect(current).not.toEqual(previous);
    // Some requests came while the ledger held part of the new samples only.
    const midIngest = answers.filter((a) => !equal(a.live, previous) && !equal(a.live, current));
    expect(midIngest.length).toBeGreaterThan(0);
    for (const a of midIngest) expect(a.answer).toEqual(previous);
    for (const a of answers) expect(equal(a.answer, previous) || equal(a.answer, current)).toBe(true);
    expect(await hours.rows({})).toEqual(current);

    // A filtered request during the next ingest is the filtered previous publication, as a direct read gives it.
    const beforeThird = { hour: read(ORIGIN + 2 * 3600, ORIGIN + 4 * 3600).filter((r) => r.labels[0] === 'ns-7'), all: all() };
    expect(beforeThird.hour.map((r) => r.hourStart)).toEqual([ORIGIN + 2 * 3600, ORIGIN + 3 * 3600]);
    advance(3600);
    const filtered = await askDuringPoll(poller, () => hours.rows({ from: ORIGIN + 2 * 3600, to: ORIGIN + 4 * 3600, namespace: 'ns-7' }), all);
    const third = all();
    const during = filtered.filter((a) => !equal(a.live, beforeThird.all) && !equal(a.live, third));
    expect(during.length).toBeGreaterThan(0);
    for (const a of during) expect(a.answer).toEqual(beforeThird.hour);
    expect(read(ORIGIN + 2 * 3600, ORIGIN + 4 * 3600).filter((r) => r.labels[0] === 'ns-7')).not.toEqual(beforeThird.hour);
  });

  it('makes the first request of all, if it arrives during an ingest, wait for the publication instead of reading a half-ingested ledger', async () => {
    const { hours, poller, all, advance } = setUp();
    expect(await poller.pollOnce()).toBe(true);
    const previous = all();
    advance(3600);
    let first: { live: HourRow[]; answer: Promise<readonly HourRow[]> } | undefined;
    await askDuringPoll(
      poller,
      () => {
        const live = all();
        if (first === undefined && !equal(live, previous)) first = { live, answer: hours.rows({}) };
        return Promise.resolve([]);
      },
      all,
    );
    const current = all();
    // Asked while the ledger held part of the new samples only; answered with the complete new hours.
    expect(first).toBeDefined();
    expect(first!.live).not.toEqual(current);
    expect(await first!.answer).toEqual(current);
    expect(all()).not.toEqual(previous);
  });
});

describe('PublishedHours copies', () => {
  it('copies the hours before an ingest only while they were asked for in the last 10 minutes', async () => {
    const row: HourRow = { hourStart: ORIGIN, labels: ['ns-a'], joules: 5 };
    let reads = 0;
    let clock = ORIGIN;
    const hours = new PublishedHours({ read: () => (reads++, [row]), origin: ORIGIN, namespaceIndex: 0, now: () => clock });
    hours.changing(); // never asked: no copy
    hours.published();
    expect(reads).toBe(0);
    expect(await hours.rows({})).toEqual([row]);
    expect(reads).toBe(1);
    clock += 600;
    hours.changing();
    expect(reads).toBe(2);
    expect(await hours.rows({})).toEqual([row]); // from the copy
    expect(reads).toBe(2);
    hours.published();
    clock += 601;
    hours.changing();
    expect(reads).toBe(2);
    let answered = false;
    const waiting = hours.rows({}).then((rows) => ((answered = true), rows));
    await setImmediate();
    expect(answered).toBe(false);
    hours.published();
    expect(await waiting).toEqual([row]);
    expect(reads).toBe(3);
  });
});

function equal(a: readonly HourRow[], b: readonly HourRow[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
