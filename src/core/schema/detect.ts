import type { SchemaId, SeriesDescriptor } from '../types.js';
import { SCHEMA_SPECS } from './catalogue.js';

/** Every name a source is asked about for detection: fingerprints and build info metrics. */
export const DETECTION_METRIC_NAMES: readonly string[] = [
  ...new Set(SCHEMA_SPECS.flatMap((s) => [...s.fingerprints, s.buildInfo])),
];

const SCHEMA_BY_NAME: ReadonlyMap<string, SchemaId> = new Map(
  SCHEMA_SPECS.flatMap((s) => [...s.fingerprints, s.buildInfo, ...s.metrics.map((m) => m.name)].map((n) => [n, s.id] as const)),
);

/**
 * Schemas whose fingerprints are present, newest first. A cluster in the middle of an upgrade runs
 * two. A lone `energy_stats_exporter_build_info` (v0.2, unsupported) detects nothing.
 */
export function detectSchemas(presentNames: ReadonlySet<string>): SchemaId[] {
  return SCHEMA_SPECS.filter((s) => s.fingerprints.some((n) => presentNames.has(n))).map((s) => s.id);
}

/** The schema a catalogue metric name (accounted, fingerprint or build info) belongs to. */
export function schemaOfMetric(name: string): SchemaId | undefined {
  return SCHEMA_BY_NAME.get(name);
}

/**
 * Schemas seen per node, from classified series. Note that v0.3–v0.9 namespace-scope series carry no
 * node label of Kepler's own: without a `node` relabelling their node is the target `instance`.
 */
export function schemasByNode(descriptors: Iterable<SeriesDescriptor>): Map<string, Set<SchemaId>> {
  const out = new Map<string, Set<SchemaId>>();
  for (const d of descriptors) {
    let set = out.get(d.node);
    if (set === undefined) {
      set = new Set();
      out.set(d.node, set);
    }
    set.add(d.schema);
  }
  return out;
}
