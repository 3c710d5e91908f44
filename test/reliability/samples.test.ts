import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawSeries } from '../../src/core/types.js';
import type { RangeRequest, SampleSource } from '../../src/read/sample-source.js';
import type { RunningBackend } from '../support/backend.js';
import type { TestSeries } from '../support/exposition-text.js';
import { prometheusWith } from './kepler-data.js';
import { sampleValue, startService, type ServiceUnderTest } from './service-harness.js';

const DATA_END = Math.floor(Date.now() / 60_000) * 60 - 60;
const DATA_START = DATA_END - 4 * 3600;
/** The service's clock: every sample after it is "in the future" for the service. */
const NOW = DATA_END - 20 * 60;
const ORIGIN = Math.floor((NOW - 2 * 3600) / 3600) * 3600;
const WATTS = 20;
/** Mid-hour Kepler restart: the counter starts again from 0. */
const RESTART = ORIGIN + 3600 + 1800 + 7;

type Pair = readonly [number, number];

function pod(namespace: string, podId: string, samples: readonly Pair[], state = 'running'): TestSeries {
  return {
    name: 'kepler_pod_cpu_joules_total',
    labels: { node_name: 'node-a', pod_id: podId, pod_name: `pod-${podId}`, pod_namespace: namespace, zone: 'package', state },
    samples,
  };
}

/** A 20 W counter scraped every 15 s over the whole data range. */
function steady(): Pair[] {
  const out: Pair[] = [];
  for (let t = DATA_START; t <= DATA_END; t += 15) out.push([t, 1000 + WATTS * (t - DATA_START)]);
  return out;
}

function restarted(): Pair[] {
  return steady().map(([t]) => [t, t < RESTART ? 1000 + WATTS * (t - DATA_START) : WATTS * (t - RESTART)]);
}

/** The steady counter with NaN, +Inf and a negative value at extra instants between its scrapes. */
function withBadValues(): Pair[] {
  const bad: Pair[] = [
    [ORIGIN + 1000.5, Number.NaN],
    [ORIGIN + 2000.5, Number.POSITIVE_INFINITY],
    [ORIGIN + 3000.5, -5],
  ];
  return [...steady(), ...bad].sort((a, b) => a[0] - b[0]);
}

/**
 * Hours of one counter as the contract defines them, computed here independently: valid samples
 * (finite, ≥ 0) up to `end`; the delta of each pair (the new value after a reset) split linearly
 * in time over the clock hours after the origin.
 */
function expectedHours(samples: readonly Pair[], end: number): Map<number, number> {
  const valid = samples.filter(([t, v]) => t <= end && Number.isFinite(v) && v >= 0);
  const hours = new Map<number, number>();
  for (let i = 1; i < valid.length; i++) {
    const [t0, v0] = valid[i - 1]!;
    const [t1, v1] = valid[i]!;
    const delta = v1 >= v0 ? v1 - v0 : v1;
    for (let h = Math.floor(Math.max(t0, ORIGIN) / 3600) * 3600; h < t1; h += 3600) {
      const overlap = Math.min(t1, h + 3600) - Math.max(t0, h, ORIGIN);
      if (overlap > 0) hours.set(h, (hours.get(h) ?? 0) + (delta * overlap) / (t1 - t0));
    }
  }
  return hours;
}

/** Namespaces whose names need escaping in the text format, or are not ASCII. */
const ODD_NAMES = ['q"uote', 'back\\slash', 'new\nline', 'ünïcødé-名前'];

const SERIES: [string, TestSeries[], Pair[]][] = [
  ['steady', [pod('steady', 's1', steady())], steady()],
  ['restarted', [pod('restarted', 'r1', restarted())], restarted()],
  ['malformed', [pod('malformed', 'm1', withBadValues())], withBadValues()],
  // v0.10+ exports a finished pod once more as state="terminated": the same samples twice, one counter.
  ['twice', [pod('twice', 't1', steady()), pod('twice', 't1', steady().slice(-200), 'terminated')], steady()],
  ...ODD_NAMES.map((name, i): [string, TestSeries[], Pair[]] => [name, [pod(name, `o${i}`, steady())], steady()]),
];

interface HourJson {
  start_unix: number;
  labels: { namespace: string };
  joules: number;
}

/** promtool's findings that are deliberate (see test/exposition/promtool.test.ts). */
const DELIBERATE = [
  /^energy_ledger_(namespace|node)(_period)?_energy_watt_hours use base unit "seconds" instead of "hours"$/,
  /^energy_ledger_counter_resets_total metric name should not include type 'counter'$/,
];

describe('Kepler samples read through a real Prometheus', () => {
  let prometheus: RunningBackend;
  let service: ServiceUnderTest;
  let hours: HourJson[];
  let metrics: string;

  beforeAll(async () => {
    prometheus = await prometheusWith(SERIES.flatMap(([, series]) => series));
    service = await startService({ yaml: `prometheus: { url: "${prometheus.url}" }\nbackfill: 2h\n`, now: NOW });
    hours = ((await service.json('/api/v1/hours')) as { hours: HourJson[] }).hours;
    metrics = await service.metrics();
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    await prometheus?.stop();
  });

  it.each(SERIES.map(([name, , samples]) => [name, samples] as const))('books namespace %j exactly as the contract says', (name, samples) => {
    const got = hours.filter((h) => h.labels.namespace === name);
    const want = expectedHours(samples, NOW);
    expect(got.map((h) => h.start_unix)).toEqual([...want.keys()]);
    for (const h of got) expect(h.joules, `${name} ${h.start_unix}`).toBeCloseTo(want.get(h.start_unix)!, 4);
  });

  it('counts the Kepler restart once and loses only the energy between the last scrape and the restart', () => {
    // No node-level series here: the ledger cannot tell the restart from the pod's series restarting alone.
    expect(sampleValue(metrics, 'energy_ledger_counter_resets_total{cause="series_restart"}')).toBe(1);
    expect(sampleValue(metrics, 'energy_ledger_counter_resets_total{cause="kepler_restart"}')).toBe(0);
    const total = (ns: string) => hours.filter((h) => h.labels.namespace === ns).reduce((n, h) => n + h.joules, 0);
    const lastBefore = Math.floor((RESTART - DATA_START) / 15) * 15 + DATA_START;
    expect(total('steady') - total('restarted')).toBeCloseTo(WATTS * (RESTART - lastBefore), 4);
  });

  it('rejects NaN, +Inf and negative values as malformed without losing the energy around them', () => {
    expect(sampleValue(metrics, 'energy_ledger_samples_rejected_total{reason="malformed"}')).toBe(3);
    const total = (ns: string) => hours.filter((h) => h.labels.namespace === ns).reduce((n, h) => n + h.joules, 0);
    expect(total('malformed')).toBeCloseTo(total('steady'), 6);
  });

  it('never reads a sample stamped after its own clock: the watermark stays at or before now', () => {
    const watermark = sampleValue(metrics, 'energy_ledger_data_watermark_timestamp_seconds')!;
    expect(watermark).toBeLessThanOrEqual(NOW);
    expect(watermark).toBeGreaterThan(NOW - 15);
  });

  it('escapes label values with quotes, backslashes and line feeds, keeps non-ASCII, and promtool accepts /metrics', () => {
    expect(metrics).toContain('namespace="q\\"uote"');
    expect(metrics).toContain('namespace="back\\\\slash"');
    expect(metrics).toContain('namespace="new\\nline"');
    expect(metrics).toContain('namespace="ünïcødé-名前"');
    const run = spawnSync('promtool', ['check', 'metrics'], { input: metrics, encoding: 'utf8', timeout: 20_000 });
    const findings = `${run.stdout}${run.stderr}`.split('\n').filter((l) => l.trim() !== '');
    expect(findings.filter((f) => !DELIBERATE.some((re) => re.test(f)))).toEqual([]);
    expect([0, 3]).toContain(run.status); // 3: lint findings only; a parse error is 1
  });
});

/** A sample source that answers with fixed raw series, for shapes no real Prometheus returns. */
class FixedSource implements SampleSource {
  constructor(private readonly series: RawSeries[]) {}
  async fetchRange(request: RangeRequest): Promise<RawSeries[]> {
    if (!request.selector.startsWith('kepler_pod_cpu_joules_total')) return [];
    return this.series.map((s) => {
      const keep = Array.from(s.timestamps, (t, i) => i).filter((i) => s.timestamps[i]! > request.start && s.timestamps[i]! <= request.end);
      return { labels: s.labels, timestamps: keep.map((i) => s.timestamps[i]!), values: keep.map((i) => s.values[i]!) };
    });
  }
  async presentMetricNames(names: readonly string[]): Promise<Set<string>> {
    return new Set(names.filter((n) => n === 'kepler_pod_cpu_joules_total'));
  }
}

describe('Kepler samples no real Prometheus returns (duplicated, out of order)', () => {
  it('skips duplicates, rejects samples that go back in time as out_of_order, and books the rest exactly', async () => {
    const now = 1_800_000_000;
    const origin = Math.floor((now - 3600) / 3600) * 3600;
    const clean: Pair[] = [];
    for (let t = origin - 60; t <= now; t += 30) clean.push([t, 10 * (t - origin + 60)]);
    // Each of 5 samples repeated (same time and value), and 4 samples out of place (older than the one before).
    const messy: Pair[] = [];
    clean.forEach((p, i) => {
      messy.push(p);
      if (i % 20 === 5) messy.push(p);
      if (i % 25 === 10 && i > 0) messy.push([p[0] - 45, 1]);
    });
    const labels = (ns: string) => ({ __name__: 'kepler_pod_cpu_joules_total', node_name: 'n', pod_id: ns, pod_namespace: ns, zone: 'package' });
    const raw = (ns: string, pairs: Pair[]): RawSeries => ({ labels: labels(ns), timestamps: pairs.map((p) => p[0]), values: pairs.map((p) => p[1]) });
    const service = await startService({ yaml: 'backfill: 1h\n', now, source: new FixedSource([raw('clean', clean), raw('messy', messy)]) });
    try {
      const metrics = await service.metrics();
      const outOfPlace = messy.filter((p, i) => i > 0 && p[0] < messy[i - 1]![0]).length;
      expect(outOfPlace).toBeGreaterThan(0);
      expect(sampleValue(metrics, 'energy_ledger_samples_rejected_total{reason="out_of_order"}')).toBe(outOfPlace);
      const { namespaces } = (await service.json('/api/v1/namespaces')) as { namespaces: { labels: { namespace: string }; total_joules: number }[] };
      const total = (ns: string) => namespaces.find((n) => n.labels.namespace === ns)!.total_joules;
      expect(total('messy')).toBe(total('clean'));
      // The counter is the month to date: the minute of data before the backfill's origin is restored too.
      expect(total('clean')).toBeCloseTo(10 * (now - origin + 60), 6);
    } finally {
      await service.stop();
    }
  });
});
