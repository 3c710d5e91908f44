/**
 * Issue 12 acceptance: two replicas, with Prometheus scraping both, give the same generated recordings
 * whichever replica is up, and no budget alert fires or clears because of a restart.
 *
 * A real Prometheus holds the Kepler history since 2 h before the start of the current UTC day in TSDB
 * blocks (so previous_day exists) and scrapes a live simulated cluster from now on (so the counters move
 * and the burn-rate recordings have a rate). It loads the rules that `energy-ledger rules` generates for
 * a configuration with evaluation_interval 1s, a fast burn rate over 10m/5m, and budgets for two
 * namespaces. Prometheus records the service's power only from the start of the run, and the 5m rate of
 * a series seconds old is its increase so far over 300 s, so the recorded burn rates grow roughly with the
 * square of the run's age (t²/180,000 of the steady burn over the 5m window, t²/360,000 over 10m) and the
 * budgets are set from the steady burn: `hot` at 10,000 times the factor (firing within seconds of the
 * first recorded rates, and rising), `cold` at 10 times (quiet for the first ~3 minutes of recorded
 * rates, the whole run; but a counter that came back lower after a restart, which `rate()` takes as a
 * reset adding the whole month to date, would fire it). `hot` also has an hourly threshold at half its
 * previous-hour energy (that alert fires); every other threshold is far above.
 *
 * Replica A (backfill 4h) and B (backfill 1h) listen on fixed ports and are both scraped (`instance`
 * differs). Phases: both up; A stopped (B alone); A restarted as a new process on the same port, ready
 * and restored, then B stopped (A alone). In each phase, once Prometheus no longer holds the stopped
 * replica's series and every group has evaluated again, the hourly and daily period recordings
 * (`namespace:energy_ledger_namespace_period_energy_watt_hours:max`, `previous_hour` and `previous_day`,
 * stable within the hour) equal the first phase's within 1e-9 relative and the remaining replicas' own
 * gauges; the namespace alerts (their names, labels, state and activeAt) are those of the first phase;
 * and over the whole run Prometheus stored `ALERTS` only for those alerts, firing at every evaluation,
 * and the 5m power recordings of both budgeted namespaces at every evaluation. The slow burn-rate
 * alert is given a factor it cannot reach: with a 15m `for` it would go pending at an arbitrary moment.
 *
 * `previous_hour` rolls over at the hour: a run that starts in the last 3 minutes of an hour or its first
 * minute first waits until the hour is a minute old (at most 4 minutes).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { HOUR_SECONDS, hourStart } from '../../src/core/time.js';
import { ALERTS, RULE_FILES, SERVICE_RECORDS, generateRuleFiles } from '../../src/rules/index.js';
import { generateScenario, truth, writeOpenMetrics } from '../../src/sim/index.js';
import type { RunningBackend } from '../support/backend.js';
import { freePort } from '../support/free-port.js';
import { startPrometheus } from '../support/prometheus-server.js';
import { waitFor } from '../support/wait-for.js';
import { rawSamples, startLiveCluster, type LiveCluster } from './live-support.js';
import { perNamespace, type ExposedSample } from './support/exposition.js';
import { ledgerMetricNames } from './support/history.js';
import { startService, type RunningService } from './support/service.js';

const SAME = 1e-9;
const DAY = 86_400;
const PERIOD = 'energy_ledger_namespace_period_energy_watt_hours';
const COUNTER = 'energy_ledger_namespace_energy_joules_total';
/** The clock-aligned hour and day that do not move while the test runs (the current ones grow with live data). */
const STABLE = ['previous_hour', 'previous_day'] as const;
const FAST_FACTOR = 2;
/** The slow burn-rate alert (6h/30m, pending for 15m) would go pending at some moment of the run: kept quiet. */
const SLOW_FACTOR = 1e9;
const NAMESPACE_ALERTS = [ALERTS.hourlyEnergyHigh, ALERTS.budgetBurnFast, ALERTS.budgetBurnSlow];
/** Longest gap between two stored evaluations of a 1 s group on a loaded 2-CPU machine. */
const MAX_EVALUATION_GAP = 3.5;
/** Evaluations after which a power recording (the 5m rate of a counter only seconds old) grows by under 5 % from one to the next. */
const SETTLED = 30;

interface Alert {
  readonly labels: Readonly<Record<string, string>>;
  readonly state: string;
  readonly activeAt: string;
}

/** What Prometheus shows at one moment: the period recordings by `namespace/period`, and the namespace alerts. */
interface Snapshot {
  readonly at: number;
  readonly recordings: Map<string, number>;
  readonly alerts: string[];
}

async function query(prometheus: RunningBackend, expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const body = new URLSearchParams({ query: expr });
  const json = (await (await fetch(`${prometheus.url}/api/v1/query`, { method: 'POST', body })).json()) as {
    status: string;
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (json.status !== 'success') throw new Error(`failed to query ${expr}: ${JSON.stringify(json)}`);
  return json.data.result;
}

async function namespaceAlerts(prometheus: RunningBackend): Promise<string[]> {
  const body = (await (await fetch(`${prometheus.url}/api/v1/alerts`)).json()) as { data: { alerts: Alert[] } };
  return body.data.alerts
    .filter((a) => NAMESPACE_ALERTS.includes(a.labels.alertname as (typeof NAMESPACE_ALERTS)[number]))
    .map((a) => `${a.labels.alertname}{namespace=${a.labels.namespace}} ${a.state} since ${a.activeAt}`)
    .sort();
}

/** When each rule group was last evaluated, ms since the epoch. */
async function lastEvaluations(prometheus: RunningBackend): Promise<number[]> {
  const body = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as { data: { groups: { lastEvaluation: string }[] } };
  return body.data.groups.map((g) => Date.parse(g.lastEvaluation));
}

/** Waits until every group has been evaluated at least twice more, each evaluation ≥ 1 s after now. */
async function twoMoreEvaluations(prometheus: RunningBackend): Promise<void> {
  const after = Date.now() + 2000;
  await waitFor(async () => (await lastEvaluations(prometheus)).every((t) => t >= after), 30_000, 200);
}

/** The stable period gauges of one replica's /metrics, by `namespace/period`. */
function ownPeriods(samples: readonly ExposedSample[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const period of STABLE) for (const [ns, wh] of perNamespace(samples, PERIOD, { period })) out.set(`${ns}/${period}`, wh);
  return out;
}

function sameValues(actual: ReadonlyMap<string, number>, expected: ReadonlyMap<string, number>): string | undefined {
  const keys = [...expected.keys()].sort();
  if (JSON.stringify([...actual.keys()].sort()) !== JSON.stringify(keys)) return `keys ${[...actual.keys()].sort().join(',')} instead of ${keys.join(',')}`;
  for (const [key, want] of expected) {
    const got = actual.get(key)!;
    if (Math.abs(got - want) > SAME * Math.max(Math.abs(got), Math.abs(want))) return `${key}: ${got} instead of ${want}`;
  }
  return undefined;
}

describe('generated recordings and budget alerts with two replicas, one restarted, one stopped', () => {
  let dir: string;
  let cluster: LiveCluster;
  let prometheus: RunningBackend;
  let a: RunningService | undefined;
  let b: RunningService | undefined;
  let hot: string;
  let cold: string;
  const snapshots: Snapshot[] = [];
  const own: Map<string, number>[] = [];
  let started = 0;
  let end = 0;

  /** The period recordings as Prometheus evaluates them now. */
  async function recordings(): Promise<Map<string, number>> {
    const rows = await query(prometheus, `${SERVICE_RECORDS.namespacePeriodWh}{period=~"${STABLE.join('|')}"}`);
    return new Map(rows.map((r) => [`${r.metric.namespace}/${r.metric.period}`, Number(r.value[1])]));
  }

  /** Waits until Prometheus holds no current series of this replica (its scrapes fail, its series are stale). */
  async function gone(instance: string): Promise<void> {
    await waitFor(async () => (await query(prometheus, `${PERIOD}{instance="${instance}"}`)).length === 0, 30_000, 200);
  }

  async function snapshot(): Promise<void> {
    await twoMoreEvaluations(prometheus);
    snapshots.push({ at: Date.now() / 1000, recordings: await recordings(), alerts: await namespaceAlerts(prometheus) });
  }

  beforeAll(async () => {
    // previous_hour rolls over when the data reaches the hour: keep the run (about 1 min) inside one hour.
    const intoHour = (): number => Date.now() / 1000 - hourStart(Date.now() / 1000);
    if (intoHour() < 60 || intoHour() > HOUR_SECONDS - 180) await waitFor(() => intoHour() >= 60 && intoHour() < 600, 240_000, 1000);
    dir = await mkdtemp(path.join(tmpdir(), 'e2e-replicas-'));
    const now = Math.floor(Date.now() / 1000);
    // Stored history from 2 h before the current UTC day (previous_day exists), then the live cluster.
    const historyStart = Math.floor(now / DAY) * DAY - 2 * HOUR_SECONDS;
    const history = generateScenario({ schema: 'v0.10+', seed: 1213, start: historyStart, durationSeconds: now - historyStart, nodes: 2, namespaces: 4, churn: 0, scrapeIntervalSeconds: 30 });
    const file = path.join(dir, 'history.om.txt');
    await writeOpenMetrics(history, file, { from: history.start - 1, to: now - 60, metrics: ledgerMetricNames('v0.10+'), match: '{zone=~"package|dram|"}' });
    cluster = await startLiveCluster('v0.10+', 1214);

    // Budgets from the live cluster's mean power over its first 10 minutes; `hot` is the busiest namespace
    // of both the history and the live cluster.
    const power = new Map(truth(cluster.scenario, { from: cluster.scenario.start, to: cluster.scenario.start + 600 }).namespaces.map((r) => [r.labels[0]!, r.joules / 600]));
    const previousHour = hourStart(now) - HOUR_SECONDS;
    const hourWh = new Map(truth(history, { from: previousHour, to: previousHour + HOUR_SECONDS }).namespaces.map((r) => [r.labels[0]!, r.joules / HOUR_SECONDS]));
    const ranked = [...power].filter(([ns, w]) => w > 0 && (hourWh.get(ns) ?? 0) > 0).sort((x, y) => y[1] - x[1]);
    expect(ranked.length).toBeGreaterThanOrEqual(2);
    [hot, cold] = [ranked[0]![0], ranked[1]![0]];
    // Daily budget B: steady burn = power × 24 / B. hot: 10,000 × the factor; cold: 10 × (see the top).
    const budgets = { [hot]: { daily_wh: (power.get(hot)! * 24) / (10_000 * FAST_FACTOR) }, [cold]: { daily_wh: (power.get(cold)! * 24) / (10 * FAST_FACTOR) } };
    const hotHourThreshold = Math.floor(hourWh.get(hot)! / 2);
    expect(hotHourThreshold).toBeGreaterThan(0);

    const rulesConfig = loadConfig({
      file: {
        name: 'replicas.yaml',
        text: [
          `budgets: ${JSON.stringify(budgets)}`,
          'rules:',
          '  evaluation_interval: 1s',
          `  hourly_threshold_wh: ${Math.ceil(10 * Math.max(...hourWh.values()))}`,
          `  namespaces: { ${hot}: { hourly_threshold_wh: ${hotHourThreshold} } }`,
          `  burn_rate: { fast: { long_window: 10m, short_window: 5m, factor: ${FAST_FACTOR}, for: 0s, severity: critical }, slow: { factor: ${SLOW_FACTOR} } }`,
          '  for: { hourly_energy_high: 0s }',
          '',
        ].join('\n'),
      },
    });
    const ruleFile = path.join(dir, RULE_FILES.rules);
    await writeFile(ruleFile, generateRuleFiles(rulesConfig).rules);

    const [portA, portB] = [await freePort(), await freePort()];
    const [instanceA, instanceB] = [`127.0.0.1:${portA}`, `127.0.0.1:${portB}`];
    prometheus = await startPrometheus({
      blocksFrom: file,
      scrapeInterval: '1s',
      ruleFiles: [ruleFile],
      scrapeConfigs: [cluster.scrapeConfig('kepler'), { job_name: 'energy-ledger', honor_labels: true, scrape_interval: '1s', static_configs: [{ targets: [instanceA, instanceB] }] }],
    });
    // The replicas start once Prometheus holds a few scrapes of the live cluster: the step from the stored
    // history to the live cluster's counters (a different simulated cluster) is then inside both backfills,
    // not in counters Prometheus scrapes from them (where it would be a step in the recorded power).
    await waitFor(async () => {
      const scrapes = await query(prometheus, 'count_over_time(up{job="kepler"}[1m]) >= 3');
      return scrapes.length === cluster.scenario.nodes.length;
    }, 30_000, 250);
    const settings = (listen: string, backfill: string) => ({
      prometheusUrl: prometheus.url,
      config: { listen, backfill, budgets, prometheus: { selector: '{job="kepler"}' } },
    });
    started = Date.now() / 1000;
    [a, b] = await Promise.all([startService(settings(instanceA, '4h')), startService(settings(instanceB, '1h'))]);

    // Both up: Prometheus scrapes both, the recordings equal both replicas' own gauges, the alerts have settled.
    await waitFor(async () => (await query(prometheus, `count by (instance) (${PERIOD}{period="previous_day"})`)).length === 2, 30_000, 200);
    await waitFor(async () => {
      const alerts = await namespaceAlerts(prometheus);
      return alerts.some((x) => x.startsWith(`${ALERTS.budgetBurnFast}{namespace=${hot}} firing`)) && alerts.some((x) => x.startsWith(`${ALERTS.hourlyEnergyHigh}{namespace=${hot}} firing`));
    }, 60_000, 250);
    // The power recordings are old enough to be compared from one evaluation to the next (see the last test).
    await waitFor(async () => (await rawSamples(prometheus.url, `${SERVICE_RECORDS.namespacePower}{namespace="${hot}"}[5m]`))[0]!.samples.length > SETTLED, 60_000, 500);
    await snapshot();
    own.push(ownPeriods(await a.metrics()), ownPeriods(await b.metrics()));

    // A stopped: B alone.
    await a.stop();
    a = undefined;
    await gone(instanceA);
    await snapshot();
    own.push(ownPeriods(await b.metrics()));

    // A restarted (a new process on the same port, backfill 4h), ready and restored; then B stopped: A alone.
    a = await startService(settings(instanceA, '4h'));
    await waitFor(async () => (await query(prometheus, `${PERIOD}{instance="${instanceA}",period="previous_day"}`)).length > 0, 30_000, 200);
    await b.stop();
    b = undefined;
    await gone(instanceB);
    await snapshot();
    own.push(ownPeriods(await a.metrics()));
    end = Date.now() / 1000;
  }, 420_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await prometheus?.stop();
    await cluster?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("records each namespace's previous hour and previous day as each replica publishes them, while both are up", () => {
    const [first] = snapshots;
    expect([...first!.recordings.keys()].filter((k) => k.endsWith('/previous_day')).length).toBeGreaterThanOrEqual(4);
    expect([...first!.recordings.keys()].filter((k) => k.endsWith('/previous_hour')).length).toBeGreaterThanOrEqual(4);
    expect(sameValues(first!.recordings, own[0]!), 'recordings vs replica A').toBeUndefined();
    expect(sameValues(first!.recordings, own[1]!), 'recordings vs replica B').toBeUndefined();
  });

  it('keeps those recordings unchanged from B alone, and from the restarted A alone', () => {
    const [first, bAlone, aAlone] = snapshots;
    expect(sameValues(bAlone!.recordings, first!.recordings), 'B alone').toBeUndefined();
    expect(sameValues(bAlone!.recordings, own[2]!), "B alone vs B's gauges").toBeUndefined();
    expect(sameValues(aAlone!.recordings, first!.recordings), 'restarted A alone').toBeUndefined();
    expect(sameValues(aAlone!.recordings, own[3]!), "restarted A alone vs A's gauges").toBeUndefined();
  });

  it('keeps the budget and hourly alerts as they were: hot firing since the same instant, nothing else pending or firing', () => {
    const [first, bAlone, aAlone] = snapshots;
    expect(first!.alerts.map((x) => x.replace(/ since .*/, '')), first!.alerts.join('; ')).toEqual([`${ALERTS.hourlyEnergyHigh}{namespace=${hot}} firing`, `${ALERTS.budgetBurnFast}{namespace=${hot}} firing`].sort());
    expect(bAlone!.alerts.join('; ')).toBe(first!.alerts.join('; '));
    expect(aAlone!.alerts.join('; ')).toBe(first!.alerts.join('; '));
  });

  it("stored ALERTS only for those two alerts, firing at every evaluation, and both budgeted namespaces' power at every evaluation", async () => {
    const since = snapshots[0]!.at;
    const range = `${Math.ceil(end - since)}s`;
    const alerts = await rawSamples(prometheus.url, `ALERTS{alertname=~"${NAMESPACE_ALERTS.join('|')}"}[${range}]`);
    const stored = alerts.map((s) => `${s.labels.alertname}{namespace=${s.labels.namespace}} ${s.labels.alertstate} from ${s.samples[0]![0]} to ${s.samples.at(-1)![0]}`);
    expect(alerts.map((s) => `${s.labels.alertname}{namespace=${s.labels.namespace}} ${s.labels.alertstate}`).sort(), stored.join('; ')).toEqual(
      [`${ALERTS.hourlyEnergyHigh}{namespace=${hot}} firing`, `${ALERTS.budgetBurnFast}{namespace=${hot}} firing`].sort(),
    );
    const power = await rawSamples(prometheus.url, `${SERVICE_RECORDS.namespacePower}{namespace="${hot}"}[${range}]`);
    const coldPower = await rawSamples(prometheus.url, `${SERVICE_RECORDS.namespacePower}{namespace="${cold}"}[${range}]`);
    expect(power.length).toBe(1);
    expect(coldPower.length).toBe(1);
    for (const s of [...alerts, ...power, ...coldPower]) {
      const times = s.samples.map(([t]) => t);
      // The cold namespace's pods may start during the run: its power is checked from its first recording on.
      if (s !== coldPower[0]) expect(times[0]! - since, JSON.stringify(s.labels)).toBeLessThan(MAX_EVALUATION_GAP);
      expect(end - times.at(-1)!, JSON.stringify(s.labels)).toBeLessThan(MAX_EVALUATION_GAP);
      const gap = Math.max(...times.slice(1).map((t, i) => t - times[i]!));
      expect(gap, `longest gap between stored evaluations of ${JSON.stringify(s.labels)}`).toBeLessThan(MAX_EVALUATION_GAP);
    }
  });

  it('records no step in any namespace power across the restarts, and the replicas\' counters never reset', async () => {
    const range = `${Math.ceil(end - started) + 10}s`;
    const power = await rawSamples(prometheus.url, `${SERVICE_RECORDS.namespacePower}[${range}]`);
    expect(power.length).toBeGreaterThanOrEqual(4);
    const restarted = snapshots[1]!.at;
    for (const s of power) expect(s.samples.filter(([t]) => t > restarted).length, s.labels.namespace).toBeGreaterThanOrEqual(3);
    // The 5m rate of a series only seconds old grows with its age (rate() divides by the whole window), so a
    // series is checked once it is 30 evaluations old: from one evaluation to the next its power changes by
    // a few percent, where a counter that came back lower (a reset: the whole month to date added) or higher
    // would multiply it, and one absent from every replica would leave a gap.
    for (const s of power) {
      for (let i = SETTLED; i < s.samples.length; i++) {
        const [[t0, before], [t1, after]] = [s.samples[i - 1]!, s.samples[i]!];
        if (before <= 0 || after <= 0) continue;
        expect(after / before, `${s.labels.namespace} from ${t0} to ${t1}: ${before} W, then ${after} W`).toBeLessThan(1.5);
        expect(before / after, `${s.labels.namespace} from ${t0} to ${t1}: ${before} W, then ${after} W`).toBeLessThan(1.5);
      }
    }
    const resets = await query(prometheus, `resets(${COUNTER}{job="energy-ledger"}[${range}])`);
    expect(new Set(resets.map((r) => r.metric.instance)).size).toBe(2);
    for (const r of resets) expect(Number(r.value[1]), `${r.metric.instance} ${r.metric.namespace}`).toBe(0);
  });
});
