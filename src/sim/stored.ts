import { familySpecs } from './catalog.js';
import type { FamilySpec, Labels } from './families.js';
import { readNode } from './kepler-state.js';
import type { Scenario } from './scenario.js';
import { successfulScrapes, timelineOf } from './timeline.js';

/** Labels Prometheus (kube-prometheus ServiceMonitor) adds to every sample scraped from a node's Kepler. */
export function targetLabels(node: string): Labels {
  return {
    container: 'kepler-exporter',
    endpoint: 'http',
    instance: node,
    job: 'kepler',
    namespace: 'kepler',
    pod: `kepler-exporter-${node}`,
    service: 'kepler-exporter',
  };
}

/**
 * Labels of a sample as Prometheus stores it: `__name__`, Kepler's labels (a clashing one renamed
 * `exported_<name>`, honor_labels false), the target labels; empty label values dropped.
 */
export function storedLabels(metricName: string, keplerLabels: Labels, node: string): Labels {
  const target = targetLabels(node);
  const out: Labels = { __name__: metricName };
  for (const [name, value] of Object.entries(keplerLabels)) {
    if (value !== '') out[name in target ? `exported_${name}` : name] = value;
  }
  return Object.assign(out, target);
}

/** One stored series: labels as stored, sample times in unix seconds (millisecond precision), ascending. */
export interface StoredSeries {
  readonly labels: Labels;
  readonly timestamps: number[];
  readonly values: number[];
}

/**
 * Every sample Prometheus stored in (from, to] for the given families, grouped by family name, series in
 * order of first appearance. Scrapes inside gaps or Kepler restarts store nothing.
 */
export function collectStored(scenario: Scenario, specs: readonly FamilySpec[], from: number, to: number): Map<string, StoredSeries[]> {
  const byFamily = new Map<string, Map<string, StoredSeries>>(specs.map((s) => [s.name, new Map()]));
  for (const nt of timelineOf(scenario).nodes) {
    const node = nt.node.name;
    for (const scrape of successfulScrapes(scenario, nt, from, to)) {
      const reading = readNode(scenario, nt, scrape.time, scrape.previous);
      for (const spec of specs) {
        const series = byFamily.get(spec.name)!;
        for (const sample of spec.samples(reading, scenario)) {
          // Label insertion order is fixed per family, so the values identify the series on this node.
          const key = `${node}\u0000${Object.values(sample.labels).join('\u0000')}`;
          let s = series.get(key);
          if (s === undefined) series.set(key, (s = { labels: storedLabels(spec.name, sample.labels, node), timestamps: [], values: [] }));
          s.timestamps.push(scrape.time);
          s.values.push(sample.value);
        }
      }
    }
  }
  return new Map([...byFamily].map(([name, series]) => [name, [...series.values()]]));
}

/** The family specs whose names are listed (all of the scenario's when `names` is undefined). */
export function specsNamed(scenario: Scenario, names?: readonly string[]): FamilySpec[] {
  const all = familySpecs(scenario);
  if (names === undefined) return [...all];
  const wanted = new Set(names);
  return all.filter((s) => wanted.has(s.name));
}

/** Raw stored samples of one metric in (start, end], every node, like a range selector over Prometheus. */
export function simulatedSamples(scenario: Scenario, metricName: string, start: number, end: number): StoredSeries[] {
  return collectStored(scenario, specsNamed(scenario, [metricName]), start, end).get(metricName) ?? [];
}
