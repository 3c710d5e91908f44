/**
 * The start-up restore with `unattributed` on, through the running service on the simulator: a replica that
 * backfills 3 h restores the hours before (the split ledger's, namespace groups per node, too) and publishes
 * the periods and counters of one that backfilled everything, `__unattributed__` included. And the split
 * snapshot follows the restore only when the main one is published (never one without the other). The
 * history path: hours published with the allocation are taken on a stand-in node and compared allocated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSnapshot, Ledger, RestoredHours } from '../../src/core/ledger/index.js';
import { hourStart } from '../../src/core/time.js';
import type { RawSeries, SeriesDescriptor, SeriesSamples } from '../../src/core/types.js';
import { allocateNodeEnergy, UNATTRIBUTED_LABEL_VALUE as U } from '../../src/core/ledger/unattributed.js';
import { createLogger } from '../../src/log.js';
import { fillFromHistory } from '../../src/service/restore.js';
import { generateScenario } from '../../src/sim/index.js';
import { SimulatedPrometheus } from '../../src/sim/simulated-prometheus.js';
import { RestoreState } from '../../src/service/restore-state.js';
import { SplitLedger } from '../../src/core/ledger/split-ledger.js';
import { startService, type ServiceUnderTest } from '../reliability/service-harness.js';
import { waitFor } from '../support/wait-for.js';

/** 2027-01-15 08:30 UTC: previous_day is Jan 14, month_to_date starts Jan 1 (before the data). */
const NOW = 1_800_001_800;
const RESTORED = ['previous_day', 'month_to_date'];

interface Group {
  labels: Record<string, string>;
  total_joules: number | null;
  periods_wh: Record<string, number>;
}

/** `scope namespace/node period → value` of the restored periods and counters. */
async function published(service: ServiceUnderTest): Promise<Map<string, number | null>> {
  const out = new Map<string, number | null>();
  for (const scope of ['namespaces', 'nodes'] as const) {
    const groups = ((await service.json(`/api/v1/${scope}`)) as Record<string, Group[]>)[scope]!;
    for (const g of groups) {
      const name = `${scope} ${g.labels.namespace ?? g.labels.node}`;
      out.set(`${name} total_joules`, g.total_joules);
      for (const p of RESTORED) if (p in g.periods_wh) out.set(`${name} ${p}`, g.periods_wh[p]!);
    }
  }
  return out;
}

async function start(mode: string, backfill: string): Promise<ServiceUnderTest> {
  const begin = hourStart(NOW) - 34 * 3600;
  const scenario = generateScenario({ seed: 12, start: begin, durationSeconds: NOW - begin + 3600, nodes: 2, namespaces: 3, podsPerNamespace: 2, churn: 1 });
  const service = await startService({ yaml: `backfill: ${backfill}\nretention: 40h\nunattributed: ${mode}\n`, now: NOW, source: new SimulatedPrometheus(scenario, { now: () => NOW }), logLevel: 'info', waitReady: false });
  await waitFor(() => service.poller.ready && service.poller.restored, 60_000, 50);
  return service;
}

describe.each(['explicit', 'proportional'])('restore with unattributed: %s', (mode) => {
  let whole: ServiceUnderTest;
  let restored: ServiceUnderTest;

  beforeAll(async () => {
    whole = await start(mode, '36h');
    restored = await start(mode, '3h');
  }, 120_000);
  afterAll(async () => {
    await whole?.stop();
    await restored?.stop();
  });

  it('publishes the restored periods and counters of a replica that read everything, per namespace, per node and for __unattributed__', async () => {
    const [want, got] = [await published(whole), await published(restored)];
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    // Both periods of every namespace and node, and of __unattributed__ (proportional: only a node without namespaces has some).
    expect([...want.keys()].filter((k) => k.startsWith('namespaces __unattributed__ ')).length).toBe(mode === 'explicit' ? 3 : 0);
    expect([...want.keys()].filter((k) => RESTORED.some((p) => k.endsWith(p))).length).toBeGreaterThanOrEqual(2 * 5);
    for (const [key, value] of want) {
      const g = got.get(key);
      if (value === null || g === null || g === undefined) expect(g, key).toBe(value);
      else if (Math.abs(g - value) > 1e-6 * Math.abs(value)) expect.fail(`${key}: got ${g}, expected ${value}`);
    }
  });

  it('adds the restored namespace periods (with __unattributed__) up to the nodes', async () => {
    const got = await published(restored);
    for (const p of RESTORED) {
      const of = (scope: string) => [...got].filter(([k]) => k.startsWith(scope) && k.endsWith(` ${p}`)).reduce((s, [, v]) => s + v!, 0);
      expect(of('nodes'), p).toBeGreaterThan(0);
      expect(Math.abs(of('namespaces') - of('nodes')) / of('nodes'), p).toBeLessThan(1e-9);
    }
  });
});

describe('SplitLedger with a restore', () => {
  const O = 3600 * 24 * 200;
  const SPLIT_LABELS = { namespaceLabels: ['namespace', 'node'], nodeLabels: ['node'] };
  const series = (key: string, scope: 'namespace' | 'node', group: string[], watts: number): SeriesSamples => {
    const d: SeriesDescriptor = { key, schema: 'v0.10+', scope, kind: 'counter', toJoules: 1, group, node: 'n1', component: 'package' };
    const timestamps = [O - 15, O + 1800];
    return { descriptor: d, timestamps, values: timestamps.map((t) => watts * (t - O + 15)) };
  };

  it('takes the restored hours into its split snapshot when told the main snapshot is published, not before', () => {
    const restore = new RestoreState();
    const options = { origin: O, windows: [{ label: '5m', seconds: 300 }], calendar: { dayOf: (hourStart: number) => Math.floor(hourStart / 86_400), monthStartOf: (d: number) => d - (d % 30) } };
    const tee = new SplitLedger(options, new Ledger(options), SPLIT_LABELS, [], restore.perNode);
    tee.ingest([series('n1', 'node', ['n1'], 100), series('a', 'namespace', ['a'], 30)]);
    const before = tee.splitSnapshot;
    expect(Object.keys(before.namespaces[0]!.periods)).not.toContain('month_to_date');
    const split = new RestoredHours(O - 3 * 3600, O);
    split.set('namespace', ['a', 'n1'], O - 3600, 7e9);
    split.set('node', ['n1'], O - 3600, 9e9);
    restore.finish(new RestoredHours(O - 3 * 3600, O), { perNode: split });
    expect(tee.splitSnapshot).toBe(before);
    tee.syncRestore();
    const after = tee.splitSnapshot;
    expect(after.namespaces[0]!.periods.month_to_date).toBeCloseTo((7e3 + 30 * 1800) / 3600, 9);
    expect(after.nodes[0]!.periods.month_to_date).toBeCloseTo((9e3 + 100 * 1800) / 3600, 9);
    expect(after).toEqual(buildSnapshot(tee.split, SPLIT_LABELS, [], restore.perNode));
    tee.syncRestore();
    expect(tee.splitSnapshot).toBe(after);
  });
});

describe('the history path with unattributed: explicit', () => {
  const H0 = 3600 * 24 * 300;
  const H1 = H0 + 3600;
  const LABELS = { namespaceLabels: ['namespace'], nodeLabels: ['node'] };
  /** What a replica published for an hour, joules by `namespace=…` / `node=…`. */
  type Published = Record<string, number>;

  /** A Prometheus holding one scrape of every hour in `published`: its previous_hour gauges and its watermark. */
  const prometheus = (published: Record<number, Published>) => ({
    queryMatrix: async (expr: string, time: number): Promise<{ series: RawSeries[] }> => {
      const hour = time - 7200;
      const rows = published[hour];
      if (rows === undefined) return { series: [] };
      const t = time - 60;
      const one = (labels: Record<string, string>, value: number): RawSeries => ({ labels: { job: 'energy-ledger', ...labels }, timestamps: [t], values: [value] });
      if (expr.startsWith('energy_ledger_data_watermark')) return { series: [one({ __name__: 'w' }, hour + 5400)] };
      const scope = expr.startsWith('energy_ledger_namespace_period') ? 'namespace' : 'node';
      return {
        series: Object.entries(rows)
          .filter(([k]) => k.startsWith(`${scope}=`))
          .map(([k, joules]) => one({ __name__: 'p', [scope]: k.slice(scope.length + 1), period: 'previous_hour' }, joules / 3600)),
      };
    },
  });

  async function fill(published: Record<number, Published>) {
    const hours = new RestoredHours(H0, H1 + 3600);
    const perNode = new RestoredHours(H0, H1 + 3600);
    // H1 was read raw: a 30 J and b 10 J on n1, whose node counted 100 J.
    perNode.set('namespace', ['a', 'n1'], H1, 30e6);
    perNode.set('namespace', ['b', 'n1'], H1, 10e6);
    perNode.set('node', ['n1'], H1, 100e6);
    for (const [ns, j] of [['a', 30e6], ['b', 10e6]] as const) hours.set('namespace', [ns], H1, j);
    hours.set('node', ['n1'], H1, 100e6);
    let mismatches = 0;
    const earliest = await fillFromHistory(
      {
        history: { prometheus: prometheus(published), serviceSelector: '{job="energy-ledger"}', ...LABELS },
        hours,
        perNode: { hours: perNode, mode: 'explicit' },
        firstRaw: H1,
        logger: createLogger({ level: 'error', destination: { write: () => undefined } }),
        onMismatch: () => mismatches++,
        onError: () => undefined,
        sleep: async () => undefined,
        retrySeconds: 0,
        attempts: 1,
      },
      new AbortController().signal,
    );
    return { hours, perNode, mismatches, earliest };
  }

  const H1_AS_PUBLISHED = { 'namespace=a': 30, 'namespace=b': 10, [`namespace=${U}`]: 60, 'node=n1': 100 };

  it('takes an hour the raw samples miss on a stand-in node, allocated as published, and its measured namespaces for the counters', async () => {
    const { hours, perNode, mismatches, earliest } = await fill({ [H0]: { 'namespace=a': 5, 'namespace=c': 2, [`namespace=${U}`]: -1, 'node=n1': 6 }, [H1]: H1_AS_PUBLISHED });
    expect(earliest).toBe(H0);
    expect(mismatches).toBe(0);
    expect(hours.groups('namespace').map((g) => [g.labels[0], hours.hourMicroJoules('namespace', g.key, H0)])).toEqual([['a', 5e6], ['b', 0], ['c', 2e6]]);
    expect(hours.hourMicroJoules('node', 'n1', H0)).toBe(6e6);
    const values = (scope: 'namespace' | 'node', h: number) => perNode.groups(scope).map((g) => ({ labels: g.labels, value: perNode.hourMicroJoules(scope, g.key, h) }));
    const allocated = (h: number) => Object.fromEntries([...allocateNodeEnergy('explicit', LABELS, values('namespace', h), values('node', h)).values()].map((x) => [x.labels[0], x.value]));
    expect(allocated(H0)).toEqual({ a: 5e6, b: 0, c: 2e6, [U]: -1e6 });
    expect(allocated(H1)).toEqual({ a: 30e6, b: 10e6, c: 0, [U]: 60e6 });
  });

  it('compares an hour held both ways with the allocation of the raw hour: __unattributed__ included', async () => {
    expect((await fill({ [H1]: H1_AS_PUBLISHED })).mismatches).toBe(0);
    expect((await fill({ [H1]: { ...H1_AS_PUBLISHED, [`namespace=${U}`]: 59 } })).mismatches).toBe(1);
  });
});
