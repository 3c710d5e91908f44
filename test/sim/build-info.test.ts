import { describe, expect, it } from 'vitest';
import { generateScenario, renderExposition, storedLabels, type Scenario } from '../../src/sim/index.js';
import { readExcerpt } from '../core/schema/real-excerpt.js';
import { parseText } from './parse-text.js';

const NAME = 'kepler_exporter_build_info';

/** The build info family a v0.4–v0.9 scenario imitating `version` serves. */
function buildInfo(version: string | undefined, gpu = false): { help: string; labels: Record<string, string> } {
  const base = generateScenario({ schema: 'v0.4-v0.9', gpu, nodes: 1, namespaces: 1, seed: 3, durationSeconds: 3600 });
  const scenario: Scenario = version === undefined ? base : { ...base, keplerVersion: version };
  const family = parseText(renderExposition(scenario, 'worker-1', scenario.start + 600)).get(NAME)!;
  expect(family.samples).toHaveLength(1);
  return { help: family.help, labels: family.samples[0]!.labels };
}

const labelNames = (labels: Record<string, string>): string[] => Object.keys(labels).sort();

describe('kepler_exporter_build_info as each v0.4–v0.9 release registers it (issue 13)', () => {
  it.each(['v0.4', 'v0.4.11', 'v0.5.4', 'v0.6.1'])('%s: prometheus/common v0.37 labels branch, goversion, revision, version', (version) => {
    const { help, labels } = buildInfo(version);
    expect(labelNames(labels)).toEqual(['branch', 'goversion', 'revision', 'version']);
    expect(help).toBe("A metric with a constant '1' value labeled by version, revision, branch, and goversion from which kepler_exporter was built.");
    // Kepler sets its own pkg/version, not the collector's: only goversion survives Prometheus' ingestion.
    expect(Object.keys(storedLabels(NAME, labels, 'worker-1')).filter((n) => n.startsWith('go') || n === 'version')).toEqual(['goversion']);
  });

  it.each(['v0.7.1', 'v0.7.3', 'v0.7.10'])('%s: adds goarch, goos and tags, the same names and help as the real v0.7.x output', (version) => {
    const real = readExcerpt('1-v0.7.x-issue-1349.txt');
    const realInfo = real.samples.find((s) => s.name === NAME)!;
    const { help, labels } = buildInfo(version);
    expect(labelNames(labels)).toEqual(['branch', 'goarch', 'goos', 'goversion', 'revision', 'tags', 'version']);
    expect(labelNames(labels)).toEqual(labelNames({ ...realInfo.labels }));
    expect(help).toBe(real.help.get(NAME));
  });

  it('lists the gpu build tag only when the scenario has GPUs, as Kepler builds with GPU support do', () => {
    expect(buildInfo('v0.7.10', true).labels['tags']!.split(',')).toContain('gpu');
    expect(buildInfo('v0.7.10', false).labels['tags']!.split(',')).not.toContain('gpu');
  });

  it.each([['v0.7.11'], ['v0.9.0'], [undefined]])('%s: Kepler own gauge with arch, branch, os, revision, version (the default is v0.7.12)', (version) => {
    const { labels } = buildInfo(version);
    expect(labelNames(labels)).toEqual(['arch', 'branch', 'os', 'revision', 'version']);
    expect(labels['version']).toBe(`release-${(version ?? 'v0.7.12').slice(1)}`);
  });

  it.each(['v0.3', 'v0.10.0', 'latest'])('rejects %s, which does not export the v0.4–v0.9 schema', (version) => {
    expect(() => buildInfo(version)).toThrow(version === 'latest' ? /invalid Kepler version/ : /does not export the v0.4–v0.9 schema/);
  });
});
