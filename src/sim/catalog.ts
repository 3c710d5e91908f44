import type { Family, FamilySpec } from './families.js';
import type { NodeReading } from './kepler-state.js';
import type { Scenario } from './scenario.js';
import { v03Families } from './schemas/v0-3.js';
import { v04Families } from './schemas/v0-4-v0-9.js';
import { v010Families } from './schemas/v0-10.js';

/** Every family the scenario's Kepler exports, sorted by name. */
export function familySpecs(scenario: Scenario): readonly FamilySpec[] {
  const specs = scenario.schema === 'v0.3' ? v03Families() : scenario.schema === 'v0.4-v0.9' ? v04Families(scenario.gpu, scenario.keplerVersion) : v010Families(scenario.gpu);
  return [...specs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The families (optionally only those named in `wanted`) with their samples at one reading; empty families are left out. */
export function collect(scenario: Scenario, reading: NodeReading, specs: readonly FamilySpec[]): Family[] {
  const out: Family[] = [];
  for (const spec of specs) {
    const samples = spec.samples(reading, scenario);
    if (samples.length > 0) out.push({ spec, samples });
  }
  return out;
}
