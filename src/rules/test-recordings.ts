/** promtool tests of every recording rule: constant power in, exact watts and watt-hours out. */
import type { Config, RulesConfig } from '../config/index.js';
import { METRICS } from '../exposition/names.js';
import { compileNamespaceRelabel, resolveZones } from '../core/schema/index.js';
import { keplerInputs, type KeplerInput } from './kepler-group.js';
import type { ExprTest, InputSeries, TestGroup } from './model.js';
import { KEPLER_RECORDS as K, LABEL_COMPONENT, LABEL_KEPLER_SCHEMA, SERVICE_RECORDS as R } from './names.js';
import { dur, labelsMatching, matchersOf, seriesText, type Labels } from './promql.js';
import { DAY, HOUR, powerWindows } from './service-group.js';
import { constant, counter, extraGroupLabels, serviceLabels } from './test-inputs.js';

/** Raw-series tests: late enough for full 5m rates. */
const RAW_AT = 600;
/**
 * Chain tests feed the 5m power recording itself, constant from t=0, and evaluate at 2h: windows up to
 * 2h are full, longer ones (6h, 1d) partial, which shows that missing points count as 0 W.
 */
const CHAIN_AT = 2 * HOUR;

type Sample = { labels: Labels; value: number };

function exprTest(expr: string, at: number, samples: readonly Sample[]): ExprTest {
  return { expr, eval_time: dur(at), exp_samples: samples.map((s) => ({ labels: seriesText(expr, s.labels), value: s.value })) };
}

/**
 * What `sum_over_time(x[W]) / clamp_min(count_over_time(x[W]), W/I)` gives at `at` for x = `watts` recorded
 * every `I` from 0, on Prometheus 2.x (ranges include their start: a full window holds W/I + 1 points).
 */
function meanAt(watts: number, windowSeconds: number, at: number, I: number): number {
  const points = Math.min(at, windowSeconds) / I + 1;
  return (points * watts) / Math.max(points, windowSeconds / I);
}

/** Recordings over the service's raw series: two replicas (max wins), two namespaces, one node, the periods. */
function serviceRawTests(config: Config, rules: RulesConfig): TestGroup {
  const I = rules.evaluationIntervalSeconds;
  const n = RAW_AT / I;
  const { kept, replicas } = serviceLabels(config, rules);
  const [a, b] = replicas;
  const ns = (namespace: string): Labels => ({ ...kept, namespace });
  const inputs: InputSeries[] = [
    { series: seriesText(METRICS.namespaceJoules.name, { ...a, namespace: 'shop' }), values: counter(2, I, n) },
    // A replica that lags (e.g. just restarted) must not lower the de-duplicated value.
    { series: seriesText(METRICS.namespaceJoules.name, { ...b, namespace: 'shop' }), values: counter(1, I, n) },
    { series: seriesText(METRICS.namespaceJoules.name, { ...a, namespace: 'web' }), values: counter(3, I, n) },
    { series: seriesText(METRICS.nodeJoules.name, { ...a, node: 'worker-1' }), values: counter(4, I, n) },
    { series: seriesText(METRICS.namespacePeriod.name, { ...a, namespace: 'shop', period: 'previous_hour' }), values: constant(7.5, n) },
    { series: seriesText(METRICS.namespacePeriod.name, { ...b, namespace: 'shop', period: 'previous_hour' }), values: constant(7.25, n) },
    { series: seriesText(METRICS.namespacePeriod.name, { ...a, namespace: 'shop', period: 'current_hour' }), values: constant(1.25, n) },
    { series: seriesText(METRICS.namespacePeriod.name, { ...b, namespace: 'shop', period: 'current_hour' }), values: constant(1.5, n) },
  ];
  const tests: ExprTest[] = [
    exprTest(R.namespacePower, RAW_AT, [
      { labels: ns('shop'), value: 2 },
      { labels: ns('web'), value: 3 },
    ]),
    exprTest(R.clusterPower, RAW_AT, [{ labels: kept, value: 5 }]),
    exprTest(R.nodePower, RAW_AT, [{ labels: { ...kept, node: 'worker-1' }, value: 4 }]),
    exprTest(R.namespacePeriodWh, RAW_AT, [
      { labels: { ...ns('shop'), period: 'previous_hour' }, value: 7.5 },
      { labels: { ...ns('shop'), period: 'current_hour' }, value: 1.5 },
    ]),
  ];
  return { name: 'recordings over the service: replicas de-duplicated, namespace, cluster and node power, periods', interval: dur(I), input_series: inputs, promql_expr_test: tests };
}

/**
 * `--shard`: each shard reads its own nodes, so the recordings add the shards up after de-duplicating
 * each shard's replicas (two of shard 0, one of shard 1; namespace `shop` runs on nodes of both).
 */
function serviceShardTests(config: Config, rules: RulesConfig): TestGroup {
  const I = rules.evaluationIntervalSeconds;
  const n = RAW_AT / I;
  const { kept, replicas } = serviceLabels(config, rules);
  const [a, b] = replicas;
  const s0a = { ...a, shard: '0' };
  const s0b = { ...b, shard: '0' };
  const s1 = { ...kept, instance: '10.0.0.3:9464', pod: 'energy-ledger-shard-1-0', shard: '1' };
  const ns = (namespace: string): Labels => ({ ...kept, namespace });
  const period = { namespace: 'shop', period: 'previous_hour' };
  const inputs: InputSeries[] = [
    { series: seriesText(METRICS.namespaceJoules.name, { ...s0a, namespace: 'shop' }), values: counter(2, I, n) },
    { series: seriesText(METRICS.namespaceJoules.name, { ...s0b, namespace: 'shop' }), values: counter(1, I, n) },
    { series: seriesText(METRICS.namespaceJoules.name, { ...s1, namespace: 'shop' }), values: counter(5, I, n) },
    { series: seriesText(METRICS.nodeJoules.name, { ...s0a, node: 'worker-1' }), values: counter(4, I, n) },
    { series: seriesText(METRICS.nodeJoules.name, { ...s1, node: 'worker-2' }), values: counter(6, I, n) },
    { series: seriesText(METRICS.namespacePeriod.name, { ...s0a, ...period }), values: constant(7.5, n) },
    { series: seriesText(METRICS.namespacePeriod.name, { ...s0b, ...period }), values: constant(7.25, n) },
    { series: seriesText(METRICS.namespacePeriod.name, { ...s1, ...period }), values: constant(2.25, n) },
  ];
  const tests: ExprTest[] = [
    exprTest(R.namespacePower, RAW_AT, [{ labels: ns('shop'), value: 7 }]),
    exprTest(R.clusterPower, RAW_AT, [{ labels: kept, value: 7 }]),
    exprTest(R.nodePower, RAW_AT, [
      { labels: { ...kept, node: 'worker-1' }, value: 4 },
      { labels: { ...kept, node: 'worker-2' }, value: 6 },
    ]),
    exprTest(R.namespacePeriodWh, RAW_AT, [{ labels: { ...ns('shop'), period: 'previous_hour' }, value: 9.75 }]),
  ];
  return { name: 'recordings over sharded replicas: each shard de-duplicated, then the shards summed', interval: dur(I), input_series: inputs, promql_expr_test: tests };
}

/** The chain over the 5m power recording: mean power over windows, hourly and daily energy, cluster sums. */
function serviceChainTests(config: Config, rules: RulesConfig): TestGroup {
  const I = rules.evaluationIntervalSeconds;
  const { kept } = serviceLabels(config, rules);
  const watts: [string, number][] = [
    ['shop', 2],
    ['web', 3],
  ];
  const inputs = watts.map(([namespace, w]) => ({ series: seriesText(R.namespacePower, { ...kept, namespace }), values: constant(w, CHAIN_AT / I) }));
  const each = (f: (w: number) => number): Sample[] => watts.map(([namespace, w]) => ({ labels: { ...kept, namespace }, value: f(w) }));
  const sum = (f: (w: number) => number): Sample[] => [{ labels: kept, value: watts.reduce((s, [, w]) => s + f(w), 0) }];
  const hour = (w: number): number => meanAt(w, HOUR, CHAIN_AT, I);
  const day = (w: number): number => 24 * meanAt(w, DAY, CHAIN_AT, I);
  const tests: ExprTest[] = [
    ...powerWindows(rules).map((win) => exprTest(R.namespacePowerOver(win), CHAIN_AT, each((w) => meanAt(w, win, CHAIN_AT, I)))),
    exprTest(R.namespaceHourWh, CHAIN_AT, each(hour)),
    exprTest(R.namespaceDayWh, CHAIN_AT, each(day)),
    exprTest(R.clusterHourWh, CHAIN_AT, sum(hour)),
    exprTest(R.clusterDayWh, CHAIN_AT, sum(day)),
  ];
  return { name: 'recordings over the service: the cheap chain from 5m power to hourly and daily energy (partial windows count missing points as 0)', interval: dur(I), input_series: inputs, promql_expr_test: tests };
}

/** Tests of every recording over the service. */
export function serviceRecordingTests(config: Config, rules: RulesConfig): TestGroup[] {
  return [serviceRawTests(config, rules), serviceShardTests(config, rules), serviceChainTests(config, rules)];
}

/** Watts of the two test pods of each component. */
const POD_WATTS: Readonly<Record<string, readonly [number, number]>> = { package: [2, 1], dram: [0.5, 0.25], gpu: [4, 2] };
const TEST_NAMESPACES = ['shop', 'web', 'batch'];

/** Labels of Kepler's scrape target: the extra grouping labels and whatever `prometheus.selector` requires. */
function keplerTarget(config: Config): Labels {
  return { ...extraGroupLabels(config), job: 'kepler', ...labelsMatching(matchersOf(config.prometheus.selector)) };
}

/** Two pods' series of one Kepler input, and the namespace power the component recording must give. */
function keplerSeries(config: Config, input: KeplerInput, namespace: string, steps: number, I: number): { inputs: InputSeries[]; watts: number } {
  const target = { ...keplerTarget(config), instance: '10.0.1.1:28282', namespace: 'kepler-system' };
  const modes = config.kepler.modes;
  const [p1, p2] = POD_WATTS[input.component] ?? [1, 1];
  const inputs = [p1, p2].map((watts, i) => {
    const identity = Object.fromEntries(input.spec.identity.map((slot) => [slot[0] as string, `${slot[0]}-${i + 1}`]));
    // With several zones per component, the two pods take the first and the last: both must count.
    const zone = input.zones[i === 0 ? 0 : input.zones.length - 1];
    const labels: Labels = {
      ...target,
      ...identity,
      [input.schemaSpec.namespaceLabel]: namespace,
      ...(zone === undefined ? {} : { zone }),
      ...(input.spec.hasMode === true ? { mode: i === 0 ? (modes[0] as string) : (modes[modes.length - 1] as string) } : {}),
    };
    // v0.3 gauges hold the energy of one sample period in the metric's unit.
    const values =
      input.spec.kind === 'counter' ? counter(watts, I, steps) : constant((watts * config.kepler.samplePeriodSeconds) / input.spec.toJoules, steps);
    return { series: seriesText(input.spec.name, labels), values, watts, energy: (watts * config.kepler.samplePeriodSeconds) / input.spec.toJoules };
  });
  // Evaluate exactly as PromQL does: the gauge recording is sum(energy) * toJoules / period.
  const watts =
    input.spec.kind === 'counter'
      ? p1 + p2
      : ((inputs[0]!.energy + inputs[1]!.energy) * input.spec.toJoules) / config.kepler.samplePeriodSeconds;
  return { inputs: inputs.map(({ series, values }) => ({ series, values })), watts };
}

/** Recordings over Kepler's series: one namespace per schema, two pods per component, an out-of-scope zone. */
function keplerRawTests(config: Config, rules: RulesConfig): TestGroup {
  const I = rules.evaluationIntervalSeconds;
  const n = RAW_AT / I;
  // `sum by` keeps the extra grouping labels, with the values the input series carry.
  const target = keplerTarget(config);
  const extras = Object.fromEntries(Object.keys(extraGroupLabels(config)).map((l) => [l, target[l] as string]));
  const schemas = [...new Set(keplerInputs(config).map((i) => i.schema))];
  const namespaceOf = (schema: string): string => TEST_NAMESPACES[schemas.indexOf(schema as never)] ?? `ns-${schemas.indexOf(schema as never)}`;
  // The recordings publish namespaces after `namespace_relabel`, like the service.
  const relabel = compileNamespaceRelabel(config.namespaceRelabel ?? []);
  const inputs: InputSeries[] = [];
  // One sample per (schema, component): a CPU zone mapped to `gpu` adds to the GPU metric's power.
  const components = new Map<string, Sample>();
  const power = new Map<string, number>();
  for (const input of keplerInputs(config)) {
    const raw = namespaceOf(input.schema);
    const made = keplerSeries(config, input, raw, n, I);
    const namespace = relabel(raw);
    inputs.push(...made.inputs);
    const key = `${input.schema} ${input.component}`;
    const labels = { ...extras, namespace, [LABEL_COMPONENT]: input.component, [LABEL_KEPLER_SCHEMA]: input.schema };
    components.set(key, { labels, value: (components.get(key)?.value ?? 0) + made.watts });
    power.set(namespace, (power.get(namespace) ?? 0) + made.watts);
  }
  const cpu = keplerInputs(config).find((i) => i.spec.zones !== undefined);
  const outOfScope = Object.entries(resolveZones(config.kepler.zones)).find(([, t]) => t === 'ignore' || !config.kepler.components.includes(t))?.[0];
  if (cpu !== undefined && outOfScope !== undefined) {
    // Zones overlap (by default core ⊂ package): a zone outside the scope must not count.
    const labels = { ...keplerTarget(config), [cpu.schemaSpec.namespaceLabel]: namespaceOf(cpu.schema), pod_id: 'pod_id-1', zone: outOfScope };
    inputs.push({ series: seriesText(cpu.spec.name, labels), values: counter(100, I, n) });
  }
  const tests: ExprTest[] = [
    exprTest(K.componentPower, RAW_AT, [...components.values()]),
    exprTest(K.namespacePower, RAW_AT, [...power].map(([namespace, w]) => ({ labels: { ...extras, namespace }, value: w }))),
    exprTest(K.clusterPower, RAW_AT, [{ labels: extras, value: [...power.values()].reduce((s, w) => s + w, 0) }]),
  ];
  return { name: 'recordings over Kepler: components per schema, namespace and cluster power', interval: dur(I), input_series: inputs, promql_expr_test: tests };
}

function keplerChainTests(config: Config, rules: RulesConfig): TestGroup {
  const I = rules.evaluationIntervalSeconds;
  const extras = extraGroupLabels(config);
  const watts: [string, number][] = [
    ['shop', 5],
    ['web', 0.5],
  ];
  const inputs = watts.map(([namespace, w]) => ({ series: seriesText(K.namespacePower, { ...extras, namespace }), values: constant(w, CHAIN_AT / I) }));
  const each = (f: (w: number) => number): Sample[] => watts.map(([namespace, w]) => ({ labels: { ...extras, namespace }, value: f(w) }));
  const tests: ExprTest[] = [
    exprTest(K.namespacePowerOver(HOUR), CHAIN_AT, each((w) => meanAt(w, HOUR, CHAIN_AT, I))),
    exprTest(K.namespacePowerOver(DAY), CHAIN_AT, each((w) => meanAt(w, DAY, CHAIN_AT, I))),
    exprTest(K.namespaceHourWh, CHAIN_AT, each((w) => meanAt(w, HOUR, CHAIN_AT, I))),
    exprTest(K.namespaceDayWh, CHAIN_AT, each((w) => 24 * meanAt(w, DAY, CHAIN_AT, I))),
  ];
  return { name: 'recordings over Kepler: the cheap chain from 5m power to hourly and daily energy', interval: dur(I), input_series: inputs, promql_expr_test: tests };
}

/** Tests of every recording over Kepler's series. */
export function keplerRecordingTests(config: Config, rules: RulesConfig): TestGroup[] {
  return [keplerRawTests(config, rules), keplerChainTests(config, rules)];
}
