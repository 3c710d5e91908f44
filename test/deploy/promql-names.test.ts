import { describe, expect, it } from 'vitest';
import { metricNames, seriesOf } from './promql-names.js';

describe('metricNames', () => {
  it.each([
    ['rate(foo_total{namespace=~"$namespace"}[$__rate_interval])', ['foo_total']],
    ['max without (instance, pod) (bar{window="24h"})', ['bar']],
    ['sum by (le) (rate(h_bucket[5m])) / ignoring (le) group_left c', ['h_bucket', 'c']],
    ['topk(10, a) > 1e3 and on (node) b offset -1h', ['a', 'b']],
    ['max(time() - watermark_seconds)', ['watermark_seconds']],
    ['label_values(foo_total, namespace)', ['foo_total']],
    ['level:metric:rate5m{job="x"} * 3600', ['level:metric:rate5m']],
    ['histogram_quantile(0.9, x_bucket)', ['x_bucket']],
  ])('finds the metric names of %s', (expr, expected) => {
    expect(metricNames(expr).sort()).toEqual([...expected].sort());
  });

  it('does not take label names, function names or strings for metric names', () => {
    const names = metricNames('sum by (namespace, reason) (increase(errors_total{reason="timeout"}[1h])) or vector(0)');
    expect(names).toEqual(['errors_total']);
  });
});

describe('seriesOf', () => {
  it('expands a histogram into its three series and leaves other families alone', () => {
    expect(seriesOf({ name: 'd_seconds', type: 'histogram' })).toEqual(['d_seconds_bucket', 'd_seconds_sum', 'd_seconds_count']);
    expect(seriesOf({ name: 'g', type: 'gauge' })).toEqual(['g']);
  });
});
