import type { Component, RawSeries, SeriesDescriptor } from '../types.js';
import { NODE_LABELS, SCHEMA_SPECS, type IdentitySlot, type MetricSpec } from './catalogue.js';
import { KEY_SEP, encodeKeyField } from './key-codec.js';
import { compileNamespaceRelabel, type NamespaceRelabelRule } from './namespace-relabel.js';
import { resolveZones, type IgnoreReason, type ZoneTarget } from './zones.js';

/** What the classifier keeps in scope and how it groups. */
export interface ClassifyOptions {
  readonly components: readonly Component[];
  /** v0.4–v0.9 `mode` values summed (series without a `mode` label, before v0.4.2, are always kept). */
  readonly modes: readonly string[];
  /** v0.3: the Kepler sample period one gauge value covers. */
  readonly samplePeriodSeconds: number;
  /**
   * Grouping labels of the namespace scope. `namespace` means the workload namespace (the schema's
   * namespace label, never Kepler's own target label); any other entry is read from the raw label.
   */
  readonly groupBy: readonly string[];
  /**
   * `namespace_relabel`: rules rewriting the workload namespace before it becomes a group label (the
   * series key keeps the raw labels); absent or empty: names are kept. See `namespace-relabel.ts`.
   */
  readonly namespaceRelabel?: readonly NamespaceRelabelRule[];
  /** v0.10+ zone → component (`kepler.zones`), merged over `DEFAULT_ZONES`; absent: the defaults. */
  readonly zones?: Readonly<Record<string, ZoneTarget>>;
}

const DEFAULT_MODES: readonly string[] = ['dynamic', 'idle'];
const DEFAULT_SAMPLE_PERIOD_SECONDS = 3;

/** The documented defaults (docs/configuration.md): package + DRAM + GPU, both modes, 3 s, grouped by namespace. */
export const DEFAULT_CLASSIFY_OPTIONS: ClassifyOptions = {
  components: ['package', 'dram', 'gpu'],
  modes: DEFAULT_MODES,
  samplePeriodSeconds: DEFAULT_SAMPLE_PERIOD_SECONDS,
  groupBy: ['namespace'],
};

/** Maps a raw series to its descriptor, or undefined when it is out of scope. */
export type Classifier = (raw: RawSeries) => SeriesDescriptor | undefined;

interface Compiled {
  readonly spec: MetricSpec;
  readonly namespaceLabel: string;
  /** Fixed component when in scope, or undefined when the zone decides. */
  readonly component: Component | undefined;
  /** Zone → component, restricted to selected components. */
  readonly zones: ReadonlyMap<string, Component> | undefined;
  /** Zones named by the map (accounted or not); a zone outside it is unknown. */
  readonly known: ReadonlySet<string> | undefined;
}

/** The node a series was measured on; see `NODE_LABELS` for the order. */
export function resolveNode(labels: Readonly<Record<string, string>>): string {
  for (const name of NODE_LABELS) {
    const v = labels[name];
    if (v !== undefined && v !== '') return v;
  }
  return '';
}

function slotValue(labels: Readonly<Record<string, string>>, slot: IdentitySlot): string {
  for (const name of slot) {
    const v = labels[name];
    if (v !== undefined && v !== '') return v;
  }
  return '';
}

function compile(options: ClassifyOptions): Map<string, Compiled> {
  const selected = new Set<string>(options.components);
  const zoneMap = resolveZones(options.zones);
  const table = new Map<string, Compiled>();
  for (const schema of SCHEMA_SPECS) {
    for (const spec of schema.metrics) {
      let zones: Map<string, Component> | undefined;
      let known: Set<string> | undefined;
      if (spec.zones !== undefined) {
        zones = new Map(Object.entries(zoneMap).filter((e): e is [string, Component] => selected.has(e[1])));
        if (zones.size === 0) continue;
        known = new Set(Object.keys(zoneMap));
      } else if (spec.component === undefined || !selected.has(spec.component)) {
        continue;
      }
      table.set(spec.name, { spec, namespaceLabel: schema.namespaceLabel, component: spec.component, zones, known });
    }
  }
  return table;
}

/** Builds a classifier with per-metric lookup tables precomputed for these options. */
export function createClassifier(options: ClassifyOptions): Classifier {
  const { samplePeriodSeconds } = options;
  if (!(samplePeriodSeconds > 0) || !Number.isFinite(samplePeriodSeconds)) {
    throw new Error(`samplePeriodSeconds must be a positive number, got ${samplePeriodSeconds}`);
  }
  const table = compile(options);
  const modes = new Set(options.modes);
  const groupBy = [...options.groupBy];
  const extras = groupBy.filter((g) => g !== 'namespace');
  const relabel = compileNamespaceRelabel(options.namespaceRelabel ?? []);

  return (raw) => {
    const labels = raw.labels;
    const name = labels['__name__'];
    const entry = name === undefined ? undefined : table.get(name);
    if (entry === undefined) return undefined;
    const spec = entry.spec;

    let component = entry.component;
    let zone = '';
    if (entry.zones !== undefined) {
      zone = labels['zone'] ?? '';
      component = entry.zones.get(zone);
      if (component === undefined) return undefined;
    }
    let mode = '';
    if (spec.hasMode === true) {
      mode = labels['mode'] ?? '';
      if (mode !== '' && !modes.has(mode)) return undefined;
    }

    const node = resolveNode(labels);
    // join() makes one flat string; `+=` would build a rope of ~10 cons cells per key (≈ 3× the memory
    // at 100k series per poll, and flattened again at the first Map lookup).
    const fields: string[] = [spec.code];
    for (const g of extras) fields.push(encodeKeyField(labels[g] ?? ''));
    fields.push(encodeKeyField(node));
    const nodeKey = extras.length === 0 ? undefined : fields.slice(1).join(KEY_SEP);
    for (const slot of spec.identity) fields.push(encodeKeyField(slotValue(labels, slot)));
    fields.push(encodeKeyField(zone), encodeKeyField(mode));
    const key = fields.join(KEY_SEP);

    let group: string[];
    if (spec.scope === 'namespace') {
      group = groupBy.map((g) => (g === 'namespace' ? relabel(labels[entry.namespaceLabel] ?? '') : (labels[g] ?? '')));
    } else {
      group = extras.map((g) => labels[g] ?? '');
      group.push(node);
    }

    const descriptor: SeriesDescriptor = {
      key,
      schema: spec.schema,
      scope: spec.scope,
      kind: spec.kind,
      toJoules: spec.toJoules,
      group,
      node,
      ...(nodeKey === undefined ? {} : { nodeKey }),
      component: component as Component,
      ...(spec.dropsOnProcessExit === true ? { dropsOnProcessExit: true } : {}),
    };
    return spec.kind === 'gauge' ? { ...descriptor, samplePeriodSeconds } : descriptor;
  };
}

/** Why an in-scope metric's series is deliberately not accounted, with the zone it names. */
export interface IgnoredSeries {
  readonly reason: IgnoreReason;
  readonly zone: string;
}

/**
 * For series the classifier leaves out: why, when it is on purpose (a zone of an accounted metric
 * that the zone map does not count). Undefined for any other series.
 */
export function createIgnoreExplainer(options: ClassifyOptions): (raw: RawSeries) => IgnoredSeries | undefined {
  const table = compile(options);
  return (raw) => {
    const name = raw.labels['__name__'];
    const entry = name === undefined ? undefined : table.get(name);
    if (entry?.zones === undefined) return undefined;
    const zone = raw.labels['zone'] ?? '';
    if (entry.zones.has(zone)) return undefined;
    return { reason: entry.known!.has(zone) ? 'ignored_zone' : 'unknown_zone', zone };
  };
}

const cache = new WeakMap<ClassifyOptions, Classifier>();

/**
 * Maps a series to its descriptor, or undefined when out of scope (unknown metric, zone, component
 * or mode not selected). Lookup tables are cached per options object: reuse the same object.
 */
export function classifySeries(raw: RawSeries, options: ClassifyOptions): SeriesDescriptor | undefined {
  let classifier = cache.get(options);
  if (classifier === undefined) {
    classifier = createClassifier(options);
    cache.set(options, classifier);
  }
  return classifier(raw);
}
