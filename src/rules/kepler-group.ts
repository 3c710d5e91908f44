/**
 * The optional group for clusters that do not run the service: per-component namespace power straight
 * from Kepler's series (per schema), then the same cheap chain as the service group. It inherits
 * `increase()`-style estimates (extrapolation, lost boundary deltas, short-lived pods, the v0.10+
 * running→terminated split); the service's ledger is exact, these recordings are not.
 */
import type { Config, RulesConfig } from '../config/index.js';
import { SCHEMA_SPECS, escapeRegex, quote, resolveZones, type MetricSpec, type NamespaceRelabelRule, type SchemaSpec } from '../core/schema/index.js';
import type { Component, SchemaId } from '../core/types.js';
import type { RecordingRule, RuleGroup } from './model.js';
import { GROUPS, KEPLER_RECORDS as K, LABEL_COMPONENT, LABEL_KEPLER_SCHEMA } from './names.js';
import { DAY, HOUR, meanOver } from './service-group.js';
import { dur, eq, matchersOf, num, selectorOf } from './promql.js';

/** One input of a component recording: a Kepler metric restricted to one component. */
export interface KeplerInput {
  readonly schema: SchemaId;
  readonly spec: MetricSpec;
  readonly schemaSpec: SchemaSpec;
  readonly component: Component;
  /** The v0.10+ zones read for the component (`kepler.zones` over the defaults); empty for a metric without zones. */
  readonly zones: readonly string[];
  /** Matchers that pick the component (`zone`, `mode`), without the user selector. */
  readonly matchers: readonly string[];
}

/** Schemas the group covers: the configured one, or all of them for `auto`. */
export function keplerSchemas(config: Config): SchemaId[] {
  return config.kepler.schema === 'auto' ? SCHEMA_SPECS.map((s) => s.id) : [config.kepler.schema];
}

/** Every (schema, metric, component) the group reads, in catalogue order. */
export function keplerInputs(config: Config): KeplerInput[] {
  const { components, modes } = config.kepler;
  const zoned = zonesByComponent(config);
  const out: KeplerInput[] = [];
  for (const schemaSpec of SCHEMA_SPECS.filter((s) => keplerSchemas(config).includes(s.id))) {
    for (const spec of schemaSpec.metrics.filter((m) => m.scope === 'namespace')) {
      // The empty alternative keeps v0.4–v0.4.1 series, which have no `mode` label.
      const mode = spec.hasMode === true ? [`mode=~"${[...modes, ''].join('|')}"`] : [];
      const picks: [Component, string[]][] = spec.zones
        ? [...zoned]
        : spec.component !== undefined && components.includes(spec.component)
          ? [[spec.component, []]]
          : [];
      for (const [component, zones] of picks) {
        const zone = zones.length === 0 ? [] : [zoneMatcher(zones)];
        out.push({ schema: schemaSpec.id, spec, schemaSpec, component, zones, matchers: [...zone, ...mode] });
      }
    }
  }
  return out;
}

/** The selected components a zone counts as, each with its zones in map order (`kepler.zones` merged over the defaults). */
function zonesByComponent(config: Config): Map<Component, string[]> {
  const out = new Map<Component, string[]>();
  for (const [zone, target] of Object.entries(resolveZones(config.kepler.zones))) {
    if (target === 'ignore' || !config.kepler.components.includes(target)) continue;
    out.set(target, [...(out.get(target) ?? []), zone]);
  }
  return out;
}

/** `zone="a"` for one zone, `zone=~"a|b"` for several. */
const zoneMatcher = (zones: readonly string[]): string =>
  zones.length === 1 ? eq('zone', zones[0] as string) : `zone=~${quote(zones.map(escapeRegex).join('|'))}`;

/** Labels the Kepler recordings keep: the extra grouping labels, then `namespace`. */
const keplerGroupLabels = (config: Config): string[] => [...config.groupBy.filter((l) => l !== 'namespace'), 'namespace'];

/**
 * `namespace_relabel` in PromQL: one `label_replace` per rule, reading the schema's (unchanged) namespace
 * label and writing `namespace`, applied last rule first, so that the first rule that matches is the
 * one whose write stands, as in the service. `label_replace` anchors its RE2 regex and expands `$1`
 * like Prometheus relabeling.
 */
function relabelNamespace(expr: string, sourceLabel: string, rules: readonly NamespaceRelabelRule[]): string {
  return [...rules].reverse().reduce((inner, r) => `label_replace(${inner}, "namespace", ${quote(r.replacement)}, "${sourceLabel}", ${quote(r.regex)})`, expr);
}

/** One input's series per pod, as rates (counters) or mean energy per sample (v0.3 gauges), with the workload namespace. */
function namespacedSeries(config: Config, input: KeplerInput): string {
  const series = selectorOf(input.spec.name, [...input.matchers, ...matchersOf(config.prometheus.selector)]);
  const perSeries =
    input.spec.kind === 'counter' ? `rate(${series}[5m])` : `avg_over_time(${series}[5m])`;
  // Kepler's target label `namespace` is its own namespace: the workload's comes from the schema's label.
  return relabelNamespace(
    `label_replace(${perSeries}, "namespace", "$1", "${input.schemaSpec.namespaceLabel}", "(.*)")`,
    input.schemaSpec.namespaceLabel,
    config.namespaceRelabel ?? [],
  );
}

/**
 * The power of one component of one schema. Several inputs only when `kepler.zones` maps a CPU zone to
 * `gpu`: their series differ (only the CPU ones carry `zone`), so `or` joins them into one recording.
 */
function componentExpr(config: Config, inputs: readonly KeplerInput[]): string {
  const [first] = inputs as [KeplerInput, ...KeplerInput[]];
  const summed = `sum by (${keplerGroupLabels(config).join(', ')}) (${inputs.map((i) => namespacedSeries(config, i)).join(' or ')})`;
  // v0.3 gauges hold the energy of one Kepler sample period: mean power is mean energy / period.
  return first.spec.kind === 'counter' ? summed : `${summed} * ${num(first.spec.toJoules)} / ${num(config.kepler.samplePeriodSeconds)}`;
}

/** The inputs grouped by (schema, component), in order of first appearance: one recording each. */
function keplerComponents(config: Config): KeplerInput[][] {
  const groups = new Map<string, KeplerInput[]>();
  for (const input of keplerInputs(config)) {
    const key = `${input.schema} ${input.component}`;
    groups.set(key, [...(groups.get(key) ?? []), input]);
  }
  return [...groups.values()];
}

/** The optional group of recordings over Kepler's counters. */
export function keplerRecordingGroup(config: Config, rules: RulesConfig): RuleGroup {
  const interval = rules.evaluationIntervalSeconds;
  const components: RecordingRule[] = keplerComponents(config).map((inputs) => ({
    record: K.componentPower,
    expr: componentExpr(config, inputs),
    labels: { [LABEL_COMPONENT]: inputs[0]!.component, [LABEL_KEPLER_SCHEMA]: inputs[0]!.schema },
  }));
  const out: RecordingRule[] = [
    ...components,
    { record: K.namespacePower, expr: `sum without (${LABEL_COMPONENT}, ${LABEL_KEPLER_SCHEMA}) (${K.componentPower})` },
    { record: K.clusterPower, expr: `sum without (namespace) (${K.namespacePower})` },
    { record: K.namespacePowerOver(HOUR), expr: meanOver(K.namespacePower, HOUR, interval) },
    { record: K.namespacePowerOver(DAY), expr: meanOver(K.namespacePower, DAY, interval) },
    { record: K.namespaceHourWh, expr: K.namespacePowerOver(HOUR) },
    { record: K.namespaceDayWh, expr: `24 * ${K.namespacePowerOver(DAY)}` },
  ];
  return { name: GROUPS.kepler, interval: dur(interval), rules: out };
}
