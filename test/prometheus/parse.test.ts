import { describe, expect, it } from 'vitest';
import { PrometheusError } from '../../src/prometheus/errors.js';
import { parseEnvelope, parseMatrix, parseQueryData, parseValue, parseVector } from '../../src/prometheus/parse.js';

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return error instanceof PrometheusError ? error.reason : `not a PrometheusError: ${String(error)}`;
  }
  return 'no error';
}

describe('parseEnvelope', () => {
  it('reads status, data, error fields, warnings and infos', () => {
    const envelope = parseEnvelope('{"status":"error","errorType":"bad_data","error":"x","warnings":["w"],"infos":["i"],"data":null}');
    expect(envelope).toEqual({ status: 'error', data: null, errorType: 'bad_data', error: 'x', warnings: ['w'], infos: ['i'] });
  });

  it.each([
    ['truncated JSON', '{"status":"success","data":{"resultT'],
    ['an empty body', ''],
    ['HTML', '<html></html>'],
    ['a JSON array', '[]'],
    ['a missing status', '{"data":{}}'],
    ['warnings that are not strings', '{"status":"success","warnings":[1]}'],
  ])('rejects %s as bad_response', (_name, text) => {
    expect(reasonOf(() => parseEnvelope(text))).toBe('bad_response');
  });
});

describe('parseQueryData', () => {
  it('parses a matrix into typed arrays with all labels, values via Number()', () => {
    const data = parseQueryData({
      resultType: 'matrix',
      result: [
        { metric: { __name__: 'a_total', node: 'n1' }, values: [[1700000000.123, '1.5'], [1700000030, '1e3'], [1700000060, '+Inf']] },
        { metric: {}, values: [] },
      ],
    });
    expect(data.resultType).toBe('matrix');
    if (data.resultType !== 'matrix') return;
    const [first, second] = data.series;
    expect(first?.labels).toEqual({ __name__: 'a_total', node: 'n1' });
    expect(first?.timestamps).toBeInstanceOf(Float64Array);
    expect(Array.from(first?.timestamps ?? [])).toEqual([1700000000.123, 1700000030, 1700000060]);
    expect(Array.from(first?.values ?? [])).toEqual([1.5, 1000, Infinity]);
    expect(second?.timestamps.length).toBe(0);
  });

  it('parses vector, scalar and string results', () => {
    expect(parseQueryData({ resultType: 'vector', result: [{ metric: { a: 'b' }, value: [5, '-Inf'] }] })).toEqual({
      resultType: 'vector',
      samples: [{ labels: { a: 'b' }, timestamp: 5, value: -Infinity }],
    });
    expect(parseQueryData({ resultType: 'scalar', result: [5, '2'] })).toEqual({ resultType: 'scalar', timestamp: 5, value: 2 });
    expect(parseQueryData({ resultType: 'string', result: [5, 'hi'] })).toEqual({ resultType: 'string', timestamp: 5, value: 'hi' });
  });

  it('treats a native-histogram-only series as one without float samples', () => {
    const [series] = parseMatrix([{ metric: { __name__: 'h' }, histograms: [[1, { count: '1' }]] }]);
    expect(series?.timestamps.length).toBe(0);
  });

  it.each([
    ['an unknown resultType', { resultType: 'table', result: [] }],
    ['a matrix that is not an array', { resultType: 'matrix', result: {} }],
    ['a series without metric', { resultType: 'matrix', result: [{ values: [] }] }],
    ['a label value that is not a string', { resultType: 'matrix', result: [{ metric: { a: 1 }, values: [] }] }],
    ['a sample with a string time', { resultType: 'matrix', result: [{ metric: {}, values: [['1', '1']] }] }],
    ['a sample with a numeric value', { resultType: 'matrix', result: [{ metric: {}, values: [[1, 1]] }] }],
    ['a sample value that is not a number', { resultType: 'matrix', result: [{ metric: {}, values: [[1, 'one']] }] }],
    ['a vector sample without value', { resultType: 'vector', result: [{ metric: {} }] }],
    ['data that is not an object', 'nope'],
  ])('rejects %s as bad_response', (_name, data) => {
    expect(reasonOf(() => parseQueryData(data))).toBe('bad_response');
  });

  it('parses the special values Prometheus writes', () => {
    expect([parseValue('NaN'), parseValue('+Inf'), parseValue('-Inf'), parseValue('-0.5'), parseValue('1e-3')]).toEqual([
      NaN,
      Infinity,
      -Infinity,
      -0.5,
      0.001,
    ]);
    expect(reasonOf(() => parseValue(''))).toBe('bad_response');
    expect(reasonOf(() => parseVector([{ metric: {}, value: [1, 'x'] }]))).toBe('bad_response');
  });

  it('parses a 20k-series × 30-sample body quickly', () => {
    const series = 20_000;
    const parts: string[] = [];
    for (let s = 0; s < series; s++) {
      const values = Array.from({ length: 30 }, (_, i) => `[${1700000000 + 30 * i}.5,"${s + i * 0.25}"]`).join(',');
      parts.push(`{"metric":{"__name__":"kepler_pod_cpu_joules_total","pod_id":"pod-${s}","zone":"package","node_name":"node-${s % 50}"},"values":[${values}]}`);
    }
    const body = `{"status":"success","data":{"resultType":"matrix","result":[${parts.join(',')}]}}`;
    const started = performance.now();
    const envelope = parseEnvelope(body);
    const data = parseQueryData(envelope.data);
    const elapsed = performance.now() - started;
    if (data.resultType !== 'matrix') throw new Error('want matrix');
    expect(data.series).toHaveLength(series);
    expect(data.series[12_345]?.values[29]).toBe(12_345 + 29 * 0.25);
    expect(data.series[12_345]?.timestamps[29]).toBe(1700000000 + 30 * 29 + 0.5);
    // ~15 MB; measured ≈ 0.2 s on the 2-core dev box. Generous bound for shared CI machines.
    expect(elapsed).toBeLessThan(5000);
  });
});
