import { describe, expect, it } from 'vitest';
import { fastParse, fastParseYielding } from '../../src/prometheus/fast-parse.js';

/** A matrix response of `n` series with `k` samples each, written by hand. */
function matrixBody(n: number, k: number): Buffer {
  const series = Array.from({ length: n }, (_, i) => ({
    metric: { __name__: 'kepler_pod_cpu_joules_total', pod_id: `pod-${i}`, zone: i % 2 === 0 ? 'package' : 'dram', job: 'kepler' },
    values: Array.from({ length: k }, (_, j) => [1_700_000_000 + 15 * j + 0.125, String(i * 1000 + j * 1.5)]),
  }));
  return Buffer.from(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: series }, warnings: ['w'] }), 'utf8');
}

const plain = (p: ReturnType<typeof fastParse>) =>
  p === undefined
    ? undefined
    : {
        envelope: p.envelope,
        series: p.matrix?.resultType === 'matrix' ? p.matrix.series.map((s) => ({ labels: s.labels, t: Array.from(s.timestamps), v: Array.from(s.values) })) : undefined,
      };

describe('fastParseYielding', () => {
  it('pauses between series of a big matrix and returns what fastParse returns', async () => {
    const body = matrixBody(20_000, 20);
    let pauses = 0;
    const parsed = await fastParseYielding(body, async () => void pauses++, 0);
    expect(pauses).toBeGreaterThan(100);
    expect(parsed?.matrix?.resultType).toBe('matrix');
    expect(plain(parsed)).toEqual(plain(fastParse(body)));
    expect(parsed?.envelope.warnings).toEqual(['w']);
  });

  it('never pauses within its time budget and gives undefined for a body the fast path does not handle', async () => {
    let pauses = 0;
    const small = matrixBody(3, 2);
    expect(plain(await fastParseYielding(small, async () => void pauses++, 60_000))).toEqual(plain(fastParse(small)));
    expect(pauses).toBe(0);
    expect(await fastParseYielding(Buffer.from('{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"]]}', 'utf8'), async () => undefined)).toBeUndefined();
  });
});
