import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CLASSIFY_OPTIONS,
  SelectorError,
  buildSelector,
  classifySeries,
  parseSelector,
  queriesFor,
  selectorProblem,
  type QuerySpec,
} from '../../../src/core/schema/index.js';
import { SCHEMAS } from '../../../src/core/types.js';
import { series } from './series.js';

const opts = DEFAULT_CLASSIFY_OPTIONS;
const byMetric = (specs: QuerySpec[]): Record<string, string> => Object.fromEntries(specs.map((q) => [q.metric, q.matchers]));

describe('queriesFor', () => {
  it('reads v0.10+ pods and nodes in every zone but the nested ones, and GPUs without zone with their power', () => {
    expect(byMetric(queriesFor('v0.10+', opts))).toEqual({
      kepler_pod_cpu_joules_total: 'zone!~"core|psys|uncore"',
      kepler_pod_gpu_joules_total: '',
      kepler_pod_gpu_watts: '',
      kepler_node_cpu_active_joules_total: 'zone!~"core|psys|uncore"',
      kepler_node_cpu_idle_joules_total: 'zone!~"core|psys|uncore"',
      kepler_node_gpu_active_joules_total: '',
      kepler_node_gpu_idle_joules_total: '',
    });
    expect(queriesFor('v0.10+', opts).find((q) => q.metric === 'kepler_pod_gpu_watts')?.powerFor).toBe('kepler_pod_gpu_joules_total');
  });

  it('leaves out the zones of components not selected, and reads unknown zones', () => {
    const specs = queriesFor('v0.10+', { components: ['package'], modes: opts.modes });
    expect(byMetric(specs)).toEqual({
      kepler_pod_cpu_joules_total: 'zone!~"core|dram|psys|uncore"',
      kepler_node_cpu_active_joules_total: 'zone!~"core|dram|psys|uncore"',
      kepler_node_cpu_idle_joules_total: 'zone!~"core|dram|psys|uncore"',
    });
  });

  it('follows kepler.zones: a zone mapped to ignore is not read, one mapped to a component is', () => {
    const specs = queriesFor('v0.10+', { ...opts, zones: { psys: 'package', package: 'ignore', dram: 'ignore' } });
    expect(byMetric(specs)['kepler_pod_cpu_joules_total']).toBe('zone!~"core|dram|package|uncore"');
    expect(queriesFor('v0.10+', { ...opts, components: ['dram'], zones: { dram: 'ignore' } })).toEqual([]);
  });

  it('reads the v0.4–v0.9 component families with both modes and mode-less series', () => {
    const specs = queriesFor('v0.4-v0.9', opts);
    expect(specs.map((q) => q.metric)).toEqual([
      'kepler_container_package_joules_total',
      'kepler_container_dram_joules_total',
      'kepler_container_gpu_joules_total',
      'kepler_node_package_joules_total',
      'kepler_node_dram_joules_total',
      'kepler_node_gpu_joules_total',
    ]);
    expect(new Set(specs.map((q) => q.matchers))).toEqual(new Set(['mode=~"dynamic|idle|"']));
    expect(queriesFor('v0.4-v0.9', { components: ['dram'], modes: ['dynamic'] })).toEqual([
      { schema: 'v0.4-v0.9', scope: 'namespace', metric: 'kepler_container_dram_joules_total', matchers: 'mode=~"dynamic|"' },
      { schema: 'v0.4-v0.9', scope: 'node', metric: 'kepler_node_dram_joules_total', matchers: 'mode=~"dynamic|"' },
    ]);
  });

  it('reads the v0.3 gauges without matchers', () => {
    expect(queriesFor('v0.3', opts).map((q) => `${q.scope} ${buildSelector(q)}`)).toEqual([
      'namespace pod_curr_energy_in_pkg_millijoule',
      'namespace pod_curr_energy_in_dram_millijoule',
      'namespace pod_curr_energy_in_gpu_millijoule',
      'node node_curr_energy_in_pkg_joule',
      'node node_curr_energy_in_dram_joule',
      'node node_curr_energy_in_gpu_joule',
    ]);
  });

  it.each(SCHEMAS)('only asks for %s metrics the classifier accepts in the same scope', (schema) => {
    for (const q of queriesFor(schema, opts).filter((q) => q.powerFor === undefined)) {
      const labels = { zone: 'dram', mode: 'idle', node_name: 'n', instance: 'n' };
      const d = classifySeries(series(q.metric, labels), opts);
      expect(d, q.metric).toMatchObject({ schema, scope: q.scope });
    }
  });
});

describe('buildSelector', () => {
  const pod: QuerySpec = { schema: 'v0.10+', scope: 'namespace', metric: 'kepler_pod_cpu_joules_total', matchers: 'zone=~"package|dram"' };
  const v3: QuerySpec = { schema: 'v0.3', scope: 'namespace', metric: 'pod_curr_energy_in_pkg_millijoule', matchers: '' };

  it('renders the metric with its matchers', () => {
    expect(buildSelector(pod)).toBe('kepler_pod_cpu_joules_total{zone=~"package|dram"}');
  });

  it('appends the matchers of a user selector', () => {
    expect(buildSelector(pod, '{cluster="prod-eu"}')).toBe('kepler_pod_cpu_joules_total{zone=~"package|dram",cluster="prod-eu"}');
    expect(buildSelector(v3, ' { cluster = "prod-eu" , env=~"prod|stag.*" , } ')).toBe(
      'pod_curr_energy_in_pkg_millijoule{cluster="prod-eu",env=~"prod|stag.*"}',
    );
  });

  it('re-quotes single-quoted, backtick and escaped values', () => {
    expect(buildSelector(v3, `{a='it\\'s', b=\`C:\\dir\`, c!~"x\\\\d+\\"q", d!="\\u00e9"}`)).toBe(
      'pod_curr_energy_in_pkg_millijoule{a="it\'s",b="C:\\\\dir",c!~"x\\\\d+\\"q",d!="é"}',
    );
  });

  it('treats an empty or blank selector as no extra matchers', () => {
    expect(buildSelector(pod, '')).toBe(buildSelector(pod));
    expect(buildSelector(v3, '  {}  ')).toBe('pod_curr_energy_in_pkg_millijoule');
  });

  it('throws a SelectorError for an invalid user selector', () => {
    expect(() => buildSelector(pod, 'cluster="prod-eu"')).toThrow(SelectorError);
  });
});

describe('user selector validation', () => {
  it.each([
    ['cluster="prod-eu"', "expected '{'"],
    ['{cluster="prod-eu"', "expected ',' or '}'"],
    ['{cluster=prod-eu}', 'expected a quoted value'],
    ['{cluster=="x"}', 'expected a quoted value'],
    ['{1cluster="x"}', 'expected a label name'],
    ['{cluster<"x"}', 'expected =, !=, =~ or !~'],
    ['{cluster="x"} or up', "unexpected text after '}'"],
    ['{cluster="x}', 'unterminated string'],
    ['{env=~"\\d+"}', "unknown escape sequence '\\d'"],
    ['{env="\\x4"}', 'bad \\x escape'],
    ['{__name__="up"}', 'the metric name cannot be matched'],
    ['{cluster="a"', "expected ',' or '}'"],
  ])('rejects %j with a message saying %j', (selector, detail) => {
    let error: unknown;
    try {
      parseSelector(selector);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SelectorError);
    const message = (error as SelectorError).message;
    expect(message).toContain(`invalid selector '${selector}'`);
    expect(message).toContain(detail);
    expect(message).toMatch(/at position \d+$/);
    expect(selectorProblem(selector)).toBe(message);
  });

  it('parses every operator', () => {
    expect(parseSelector('{a="1",b!="2",c=~"3",d!~"4"}')).toEqual([
      { name: 'a', op: '=', value: '1' },
      { name: 'b', op: '!=', value: '2' },
      { name: 'c', op: '=~', value: '3' },
      { name: 'd', op: '!~', value: '4' },
    ]);
    expect(selectorProblem('{cluster="prod-eu", team=~"a|b"}')).toBeUndefined();
  });
});
