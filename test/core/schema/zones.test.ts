import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CLASSIFY_OPTIONS,
  DEFAULT_ZONES,
  createClassifier,
  createIgnoreExplainer,
  resolveZones,
  zoneHint,
} from '../../../src/core/schema/index.js';
import { v10Node, v10Pod } from './series.js';

const withZones = { ...DEFAULT_CLASSIFY_OPTIONS, zones: { cpu_power: 'package' as const } };

describe('kepler.zones', () => {
  it('defaults never count nested zones twice: core, uncore and psys are ignored', () => {
    expect(DEFAULT_ZONES).toEqual({ package: 'package', dram: 'dram', core: 'ignore', uncore: 'ignore', psys: 'ignore' });
    const classify = createClassifier(DEFAULT_CLASSIFY_OPTIONS);
    for (const zone of ['core', 'uncore', 'psys']) expect(classify(v10Pod({ zone }))).toBeUndefined();
    expect(classify(v10Pod({ zone: 'package' }))?.component).toBe('package');
  });

  it('merges a user map over the defaults; a user entry wins', () => {
    expect(resolveZones({ psys: 'package', package: 'ignore' })).toMatchObject({ psys: 'package', package: 'ignore', dram: 'dram', core: 'ignore' });
    const classify = createClassifier({ ...DEFAULT_CLASSIFY_OPTIONS, zones: { psys: 'package', package: 'ignore' } });
    expect(classify(v10Pod({ zone: 'psys' }))?.component).toBe('package');
    expect(classify(v10Pod({ zone: 'package' }))).toBeUndefined();
  });

  it('accounts an hwmon zone once mapped, for pods and nodes', () => {
    const classify = createClassifier(withZones);
    expect(classify(v10Pod({ zone: 'cpu_power' }))).toMatchObject({ component: 'package', group: ['shop'] });
    expect(classify(v10Node({ zone: 'cpu_power' }))?.component).toBe('package');
  });

  it('explains why a zone is left out: unknown, or ignored', () => {
    const explain = createIgnoreExplainer(DEFAULT_CLASSIFY_OPTIONS);
    expect(explain(v10Pod({ zone: 'cpu_power' }))).toEqual({ reason: 'unknown_zone', zone: 'cpu_power' });
    expect(explain(v10Node({ zone: 'psys' }))).toEqual({ reason: 'ignored_zone', zone: 'psys' });
    expect(explain(v10Pod({ zone: 'package' }))).toBeUndefined();
    expect(explain(v10Pod({}, 'kepler_pod_gpu_joules_total'))).toBeUndefined();
    expect(createIgnoreExplainer(withZones)(v10Pod({ zone: 'cpu_power' }))).toBeUndefined();
  });

  it('a zone mapped to a component that is not selected is ignored', () => {
    const options = { ...DEFAULT_CLASSIFY_OPTIONS, components: ['package' as const] };
    expect(createClassifier(options)(v10Pod({ zone: 'dram' }))).toBeUndefined();
    expect(createIgnoreExplainer(options)(v10Pod({ zone: 'dram' }))?.reason).toBe('ignored_zone');
  });

  it('gives the config line that maps a zone', () => {
    expect(zoneHint('cpu_power')).toBe('kepler.zones: {cpu_power: package}');
    expect(zoneHint('a b')).toBe('kepler.zones: {"a b": package}');
  });

  it('marks v0.10+ pod GPU series as sums over processes', () => {
    expect(createClassifier(DEFAULT_CLASSIFY_OPTIONS)(v10Pod({}, 'kepler_pod_gpu_joules_total'))?.dropsOnProcessExit).toBe(true);
    expect(createClassifier(DEFAULT_CLASSIFY_OPTIONS)(v10Pod())?.dropsOnProcessExit).toBeUndefined();
  });
});
