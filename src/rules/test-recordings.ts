/** promtool tests of every recording rule: constant power in, exact watts and watt-hours out. */
import type { Config, RulesConfig } from '../config/types.js';
import { METRICS } from '../exposition/names.js';
import { keplerInputs, type KeplerInput } from './kepler-group.js';
import type { ExprTest, InputSeries, TestGroup } from './model.js';
import { KEPLER_RECORDS as K, LABEL_COMPONENT, LABEL_KEPLER_SCHEMA, SERVICE_RECORDS as R } from './names.js';
import { dur, seriesText, type Labels } from './promql.js';
import { DAY, HOUR, powerWindows } from './service-group.js';
import { constant, counter, extraGroupLabels, serviceLabels } from './test-inputs.js';

/** Evaluated when every window (the longest is 1d) holds only full 5m rates. */
const EVAL_AT = DAY + HOUR;

type Sample = { labels: Labels; value: number };

function exprTest(expr: string, samples: readonly Sample[]): ExprTest {
  return { expr, eval_time: dur(EVAL_AT), exp_samples: samples.map((s) => ({ labels: seriesText(expr, s.labels), value: s.value })) };
}

/** Recordings over the service: two replicas (max wins), two namespaces, one node, the periods. */
export function serviceRecordingTests(config: Config, rules: RulesConfig): TestGroup {
  const I = rules.evaluationIntervalSeconds;
  const n = EVAL_AT / I;
  const { kept, replicas } = serviceLabels(config, rules);
  const [a, b] = replicas;
  const watts = { shop: 2, web: 3 } as const;
  const node = { ...kept, node: 'worker-1' };
  const ns = (namespace: string): Labels => ({ ...kept, namespace });
  const inputs: InputSeries[] = [
    { series: seriesText(METRICS.namespaceJoules.name, { ...a, namespace: 'shop' }), values: counter(watts.shop, I, n) },
    // A replica that lags (e.g. just restarted) must not lower the de-duplicated value.
    { series: seriesText(METRICS.namespaceJoules.name, { ...b, namespace: 'shop' }), values: counter(1, I, n) },
    { series: seriesText(METRICS.namespaceJoules.name, { ...a, namespace: 'web' }), values: counter(watts.web, I, n) },
    { series: seriesText(METRICS.nodeJoules.name, { ...a, node: 'worker-1' }), values: counter(4, I, n) },
    { series: seriesText(METRICS.namespacePeriod.name, { ...a, namespace: 'shop', period: 'previous_hour' }), values: constant(7.5, n) },
    { series: seriesText(METRICS.namespacePeriod.name, { ...b, namespace: 'shop', period: 'previous_hour' }), values: constant(7.25, n) },
    { series: seriesText(METRICS.namespacePeriod.name, { ...a, namespace: 'shop', period: 'current_hour' }), values: constant(1.25, n) },
    { series: seriesText(METRICS.namespacePeriod.name, { ...b, namespace: 'shop', period: 'current_hour' }), values: constant(1.5, n) },
  ];
  const perNamespace = (f: (w: number) => number): Sample[] => [
    { labels: ns('shop'), value: f(watts.shop) },
    { labels: ns('web'), value: f(watts.web) },
  ];
  const total = watts.shop + watts.web;
  const tests: ExprTest[] = [
    exprTest(R.namespacePower, perNamespace((w) => w)),
    exprTest(R.clusterPower, [{ labels: kept, value: total }]),
    exprTest(R.nodePower, [{ labels: node, value: 4 }]),
    ...powerWindows(rules).map((w) => exprTest(R.namespacePowerOver(w), perNamespace((p) => p))),
    exprTest(R.namespaceHourWh, perNamespace((w) => w)),
    exprTest(R.namespaceDayWh, perNamespace((w) => 24 * w)),
    exprTest(R.clusterHourWh, [{ labels: kept, value: total }]),
    exprTest(R.clusterDayWh, [{ labels: kept, value: 24 * total }]),
    exprTest(R.namespacePeriodWh, [
      { labels: { ...ns('shop'), period: 'previous_hour' }, value: 7.5 },
      { labels: { ...ns('shop'), period: 'current_hour' }, value: 1.5 },
    ]),
  ];
  return { name: 'recordings over the service: replicas de-duplicated, power, hourly and daily energy', interval: dur(I), input_series: inputs, promql_expr_test: tests };
}

/** Watts of the two test pods of each component. */
const POD_WATTS: Readonly<Record<string, readonly [number, number]>> = { package: [2, 1], dram: [0.5, 0.25], gpu: [4, 2] };
const TEST_NAMESPACES = ['shop', 'web', 'batch'];

/** Two pods' series of one Kepler input, and the namespace power the component recording must give. */
function keplerSeries(config: Config, input: KeplerInput, namespace: string, steps: number, I: number): { inputs: InputSeries[]; watts: number } {
  const target = { ...extraGroupLabels(config), job: 'kepler', instance: '10.0.1.1:28282', namespace: 'kepler-system' };
  const modes = config.kepler.modes;
  const [p1, p2] = POD_WATTS[input.component] ?? [1, 1];
  const inputs = [p1, p2].map((watts, i) => {
    const identity = Object.fromEntries(input.spec.identity.map((slot) => [slot[0] as string, `${slot[0]}-${i + 1}`]));
    const zone = input.matchers.find((m) => m.startsWith('zone='))?.slice('zone="'.length, -1);
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
export function keplerRecordingTests(config: Config, rules: RulesConfig): TestGroup {
  const I = rules.evaluationIntervalSeconds;
  const n = EVAL_AT / I;
  const extras = extraGroupLabels(config);
  const schemas = [...new Set(keplerInputs(config).map((i) => i.schema))];
  const namespaceOf = (schema: string): string => TEST_NAMESPACES[schemas.indexOf(schema as never)] ?? `ns-${schemas.indexOf(schema as never)}`;
  const inputs: InputSeries[] = [];
  const components: Sample[] = [];
  const power = new Map<string, number>();
  for (const input of keplerInputs(config)) {
    const namespace = namespaceOf(input.schema);
    const made = keplerSeries(config, input, namespace, n, I);
    inputs.push(...made.inputs);
    components.push({ labels: { ...extras, namespace, [LABEL_COMPONENT]: input.component, [LABEL_KEPLER_SCHEMA]: input.schema }, value: made.watts });
    power.set(namespace, (power.get(namespace) ?? 0) + made.watts);
  }
  const cpu = keplerInputs(config).find((i) => i.spec.zones !== undefined);
  if (cpu !== undefined) {
    // Zones overlap (core ⊂ package): a zone outside the scope must not count.
    const labels = { ...extras, job: 'kepler', [cpu.schemaSpec.namespaceLabel]: namespaceOf(cpu.schema), pod_id: 'pod_id-1', zone: 'core' };
    inputs.push({ series: seriesText(cpu.spec.name, labels), values: counter(100, I, n) });
  }
  const byNamespace = (f: (w: number) => number): Sample[] => [...power].map(([namespace, w]) => ({ labels: { ...extras, namespace }, value: f(w) }));
  const total = [...power.values()].reduce((s, w) => s + w, 0);
  const tests: ExprTest[] = [
    exprTest(K.componentPower, components),
    exprTest(K.namespacePower, byNamespace((w) => w)),
    exprTest(K.clusterPower, [{ labels: extras, value: total }]),
    exprTest(K.namespacePowerOver(HOUR), byNamespace((w) => w)),
    exprTest(K.namespacePowerOver(DAY), byNamespace((w) => w)),
    exprTest(K.namespaceHourWh, byNamespace((w) => w)),
    exprTest(K.namespaceDayWh, byNamespace((w) => 24 * w)),
  ];
  return { name: 'recordings over Kepler: components per schema, namespace and cluster power, hourly and daily energy', interval: dur(I), input_series: inputs, promql_expr_test: tests };
}
