import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

const load = (text: string) => loadConfig({ file: { text, name: 'config.yaml' } });

/** The problems `text` is rejected with. */
function problemsOf(text: string): readonly string[] {
  try {
    load(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('carbon.intensity_query in the config file', () => {
  it('accepts a PromQL expression with a PUE and maps it, with the default step left unset', () => {
    const config = load('carbon:\n  intensity_query: avg(grid_intensity_carbon_average{region=~"FR|DE"}) * 1.05\n  pue: 1.3\n');
    expect(config.carbon).toEqual({ intensityQuery: 'avg(grid_intensity_carbon_average{region=~"FR|DE"}) * 1.05', pue: 1.3 });
  });

  it('reads query_step as seconds', () => {
    const config = load('carbon: { intensity_query: "avg_over_time(electricitymaps_carbon_intensity[5m])", query_step: 5m }\n');
    expect(config.carbon).toEqual({ intensityQuery: 'avg_over_time(electricitymaps_carbon_intensity[5m])', queryStepSeconds: 300 });
  });

  it.each([
    ['both a selector and a query', 'carbon: { intensity_selector: grid, intensity_query: "avg(grid)" }\n', 'config.yaml:1:9: carbon: set only one of intensity_selector, intensity_query'],
    ['both a constant and a query', 'carbon: { intensity_g_per_kwh: 300, intensity_query: "avg(grid)" }\n', 'config.yaml:1:9: carbon: set only one of intensity_g_per_kwh, intensity_query'],
    ['an empty query', 'carbon: { intensity_query: "" }\n', 'config.yaml:1:28: carbon.intensity_query: must not be empty'],
    ['a blank query', 'carbon: { intensity_query: "  " }\n', 'config.yaml:1:28: carbon.intensity_query: must not be empty'],
    ['a query that is a number', 'carbon: { intensity_query: 400 }\n', 'config.yaml:1:28: carbon.intensity_query: expected a PromQL expression such as avg(grid_intensity_carbon_average{region=~"FR|DE"}), got the number 400'],
    ['no intensity at all', 'carbon: { pue: 1.2 }\n', 'config.yaml:1:9: carbon: needs intensity_g_per_kwh, schedule_g_per_kwh, intensity_selector or intensity_query'],
    ['a step that does not divide an hour', 'carbon: { intensity_query: "avg(grid)", query_step: 7m }\n', 'config.yaml:1:53: carbon.query_step: must divide 1h evenly (so that every hour has as many evaluations), got 7m'],
    ['a step longer than an hour', 'carbon: { intensity_query: "avg(grid)", query_step: 2h }\n', 'config.yaml:1:53: carbon.query_step: must divide 1h evenly (so that every hour has as many evaluations), got 2h'],
    ['a step without a query', 'carbon: { intensity_selector: grid, query_step: 1m }\n', 'config.yaml:1:49: carbon.query_step: only applies to intensity_query'],
  ])('rejects %s, naming the key', (_, text, message) => {
    expect(problemsOf(text)).toEqual([message]);
  });
});
