/**
 * Compares the simulator's /metrics exposition per schema with reference exposition files (not part of the
 * test suite: the references live outside the repository). For each schema: the same family names (minus a
 * documented out-of-scope list), the same TYPE, HELP and label-name set per family. Exits 1 on a mismatch.
 *
 *   npx tsx scripts/check-fixtures.ts [../shared/fixtures/kepler]
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SchemaId } from '../src/core/types.js';
import { generateScenario, renderExposition } from '../src/sim/index.js';

interface Family {
  help?: string;
  type?: string;
  labelSets: Set<string>;
  labelValues: Map<string, Set<string>>;
}

/** Reference file per schema, and families deliberately not simulated (with the reason). */
const PAIRS: readonly { schema: SchemaId; file: string; outOfScope: Record<string, string> }[] = [
  { schema: 'v0.3', file: 'kepler-v0.3-metrics.synth.txt', outOfScope: { pod_cpu_cpu_time_us: 'per-CPU resource usage, not energy' } },
  { schema: 'v0.4-v0.9', file: 'kepler-v0.7.12-metrics.synth.txt', outOfScope: {} },
  {
    schema: 'v0.10+',
    file: 'kepler-v0.11.4-metrics.synth.txt',
    outOfScope: {
      kepler_process_cpu_joules_total: 'process level, not used for namespace or node accounting',
      kepler_process_cpu_seconds_total: 'process level, not energy',
      kepler_process_cpu_watts: 'process level, not used for namespace or node accounting',
    },
  },
];
const NOT_COMPARED = { 'kepler-v0.5.4-metrics.synth.txt': 'v0.4–v0.7.2 label set; the simulator models v0.4–v0.9 as of v0.7.12' };

function parse(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let f = families.get(name);
    if (f === undefined) families.set(name, (f = { labelSets: new Set(), labelValues: new Map() }));
    return f;
  };
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      family(meta[2]!)[meta[1] === 'HELP' ? 'help' : 'type'] = meta[3]!;
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+$/.exec(line);
    if (!sample) throw new Error(`failed to parse exposition line: ${line}`);
    const f = family(sample[1]!);
    const labels = [...(sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)];
    f.labelSets.add(labels.map((m) => m[1]).sort().join(','));
    for (const [, name, value] of labels) {
      if (!f.labelValues.has(name!)) f.labelValues.set(name!, new Set());
      f.labelValues.get(name!)!.add(value!);
    }
  }
  return families;
}

const dir = path.resolve(process.argv[2] ?? '../shared/fixtures/kepler');
let mismatches = 0;
const fail = (msg: string): void => {
  mismatches++;
  console.log(`  MISMATCH ${msg}`);
};

for (const { schema, file, outOfScope } of PAIRS) {
  const refPath = path.join(dir, file);
  console.log(`\n${schema}  simulator vs ${refPath}`);
  if (!existsSync(refPath)) {
    fail(`reference file missing: ${refPath}`);
    continue;
  }
  const ref = parse(readFileSync(refPath, 'utf8'));
  const scenario = generateScenario({ schema, gpu: false, seed: 1, nodes: 1, namespaces: 4 });
  const sim = parse(renderExposition(scenario, 'worker-1', scenario.start + 3 * 3600));
  for (const [name, r] of ref) {
    const s = sim.get(name);
    if (s === undefined) {
      if (outOfScope[name] !== undefined) console.log(`  skipped  ${name}: ${outOfScope[name]}`);
      else fail(`${name}: in the reference, not emitted by the simulator`);
      continue;
    }
    const problems: string[] = [];
    if (s.type !== r.type) problems.push(`type ${s.type} != ${r.type}`);
    if (s.help !== r.help) problems.push(`help ${JSON.stringify(s.help)} != ${JSON.stringify(r.help)}`);
    const simLabels = [...s.labelSets].join(' | ');
    const refLabels = [...r.labelSets].join(' | ');
    if (simLabels !== refLabels) problems.push(`labels {${simLabels}} != {${refLabels}}`);
    if (problems.length > 0) fail(`${name}: ${problems.join('; ')}`);
    else console.log(`  ok       ${name} ${r.type} {${refLabels}}`);
    for (const label of ['zone', 'mode', 'state', 'source', 'package']) {
      const a = [...(s.labelValues.get(label) ?? [])].sort().join(',');
      const b = [...(r.labelValues.get(label) ?? [])].sort().join(',');
      if (a !== b) console.log(`           note: ${label} values simulator {${a}} vs reference {${b}}`);
    }
  }
  for (const name of sim.keys()) if (!ref.has(name)) fail(`${name}: emitted by the simulator, not in the reference`);
}
for (const [file, why] of Object.entries(NOT_COMPARED)) console.log(`\nnot compared: ${file} (${why})`);
console.log(mismatches === 0 ? '\nfixtures check: OK' : `\nfixtures check: ${mismatches} mismatch(es)`);
process.exit(mismatches === 0 ? 0 : 1);
