import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawSeries } from '../../src/core/types.js';
import { fastParse, SAMPLE_BLOCK } from '../../src/prometheus/fast-parse.js';
import { parseEnvelope, parseQueryData, type QueryData } from '../../src/prometheus/parse.js';

/** The strict reference path: JSON.parse + parseQueryData. */
function reference(text: string): { status: string; warnings: string[]; data: QueryData | undefined } | 'error' {
  try {
    const envelope = parseEnvelope(text);
    return { status: envelope.status, warnings: envelope.warnings, data: envelope.status === 'success' ? parseQueryData(envelope.data) : undefined };
  } catch {
    return 'error';
  }
}

function viaFast(text: string): { status: string; warnings: string[]; data: QueryData | undefined } | undefined {
  const parsed = fastParse(Buffer.from(text, 'utf8'));
  if (parsed === undefined) return undefined;
  const { envelope, matrix } = parsed;
  let data: QueryData | undefined;
  if (envelope.status === 'success') {
    try {
      data = matrix ?? parseQueryData(envelope.data);
    } catch {
      return undefined; // the caller's strict path reports it
    }
  }
  return { status: envelope.status, warnings: envelope.warnings, data };
}

/** Comparable form: typed arrays → plain arrays, -0 and NaN kept distinguishable by toEqual. */
function plain(result: ReturnType<typeof viaFast> | 'error'): unknown {
  if (result === undefined || result === 'error' || result.data?.resultType !== 'matrix') return result;
  return {
    ...result,
    data: result.data.series.map((s: RawSeries) => ({ labels: s.labels, t: Array.from(s.timestamps), v: Array.from(s.values) })),
  };
}

/** Number texts as Prometheus, VictoriaMetrics and JSON write them. */
const numberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => String(d)),
  fc.double({ min: -1e12, max: 1e12, noNaN: true }).chain((d) => fc.integer({ min: 0, max: 20 }).map((k) => d.toFixed(k))),
  fc.bigInt({ min: 0n, max: 10n ** 25n }).map(String),
  fc.constantFrom('0', '-0', '0.1', '123456789.125', '1e+06', '1E-7', '9007199254740993', '0.30000000000000004'),
);
const sampleValue = fc.oneof(numberText, fc.constantFrom('NaN', '+Inf', '-Inf'));
const timestamp = fc.integer({ min: 0, max: 2_000_000_000_000 }).map((ms) => (ms / 1000).toString());
const labelValue = fc.string({ unit: 'binary', maxLength: 12 });
const series = fc.record({
  labels: fc.dictionary(fc.constantFrom('__name__', 'pod', 'zone', 'a"b', 'ü'), labelValue, { maxKeys: 4 }),
  samples: fc.array(fc.tuple(timestamp, sampleValue), { maxLength: 6 }),
});

function body(list: { labels: Record<string, string>; samples: [string, string][] }[], space: string, warnings: string[]): string {
  const items = list.map(
    (s) =>
      `{${space}"metric":${JSON.stringify(s.labels)},${space}"values":[${s.samples.map(([t, v]) => `[${t},${space}${JSON.stringify(v)}]`).join(`,${space}`)}]}`,
  );
  const warn = warnings.length ? `,"warnings":${JSON.stringify(warnings)}` : '';
  return `{"status":"success",${space}"data":{"resultType":"matrix",${space}"result":[${items.join(',')}]}${warn}}`;
}

describe('fastParse', () => {
  it('gives exactly what JSON.parse + parseQueryData give for any matrix body', () => {
    fc.assert(
      fc.property(fc.array(series, { maxLength: 4 }), fc.constantFrom('', ' ', '\n  '), fc.array(fc.string(), { maxLength: 2 }), (list, space, warnings) => {
        const text = body(list, space, warnings);
        const fast = viaFast(text);
        expect(fast).toBeDefined();
        expect(plain(fast)).toEqual(plain(reference(text)));
      }),
      { numRuns: 400 },
    );
  });

  it('reads every number text as the same double as Number()', () => {
    fc.assert(
      fc.property(numberText, (text) => {
        const parsed = viaFast(`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[${text},"${text}"]]}]}}`);
        const data = parsed?.data;
        if (data?.resultType !== 'matrix') throw new Error('want a matrix');
        expect(Object.is(data.series[0]?.timestamps[0], Number(text))).toBe(true);
        expect(Object.is(data.series[0]?.values[0], Number(text))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads a mantissa whose digits are 2^53 + 1 as Number() does, wherever its decimal point is', () => {
    const digits = (2n ** 53n + 1n).toString();
    for (let point = 1; point < digits.length; point++) {
      const text = `${digits.slice(0, point)}.${digits.slice(point)}`;
      const parsed = viaFast(`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[${text},"${text}"]]}]}}`);
      const data = parsed?.data;
      if (data?.resultType !== 'matrix') throw new Error('want a matrix');
      expect([data.series[0]?.timestamps[0], data.series[0]?.values[0]], text).toEqual([Number(text), Number(text)]);
    }
  });

  it('never succeeds where the strict path fails, and agrees where both succeed, on truncated or altered bodies', () => {
    fc.assert(
      fc.property(fc.array(series, { minLength: 1, maxLength: 3 }), fc.nat(), fc.constantFrom('cut', 'flip', 'append'), (list, at, how) => {
        const valid = body(list, '', []);
        const i = at % valid.length;
        const altered = how === 'cut' ? valid.slice(0, i) : how === 'flip' ? valid.slice(0, i) + '}' + valid.slice(i + 1) : `${valid}x`;
        // Bodies are bytes: a cut through a surrogate pair becomes U+FFFD on the wire, for both paths.
        const text = Buffer.from(altered, 'utf8').toString('utf8');
        const strict = reference(text);
        const fast = viaFast(text);
        if (strict === 'error') expect(fast).toBeUndefined();
        else if (fast !== undefined) expect(plain(fast)).toEqual(plain(strict));
      }),
      { numRuns: 1000 },
    );
  });

  it('passes non-matrix data, errors and other fields through JSON.parse', () => {
    expect(viaFast('{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b"},"value":[1,"2"]}]},"infos":["i"]}')).toEqual({
      status: 'success',
      warnings: [],
      data: { resultType: 'vector', samples: [{ labels: { a: 'b' }, timestamp: 1, value: 2 }] },
    });
    const error = fastParse(Buffer.from('{"status":"error","errorType":"bad_data","error":"x \\"y\\""}'));
    expect(error?.envelope).toMatchObject({ status: 'error', errorType: 'bad_data', error: 'x "y"' });
    // result before resultType: correct via the slow path inside
    const reordered = viaFast('{"status":"success","data":{"result":[{"metric":{},"values":[[1,"5"]]}],"resultType":"matrix"}}');
    expect(plain(reordered)).toEqual({ status: 'success', warnings: [], data: [{ labels: {}, t: [1], v: [5] }] });
  });

  it('with `after`, keeps exactly the samples after it, in order, as the strict path filtered would', () => {
    fc.assert(
      fc.property(fc.array(series, { maxLength: 4 }), fc.integer({ min: -1, max: 2_000_000_001 }), (list, cut) => {
        const text = body(list, '', []);
        const after = cut / 1000 + 0.0005 * (cut % 2);
        const strict = reference(text);
        const parsed = fastParse(Buffer.from(text, 'utf8'), after);
        if (strict === 'error' || strict.data?.resultType !== 'matrix') throw new Error('want a matrix');
        const kept = parsed?.matrix?.resultType === 'matrix' ? parsed.matrix.series : undefined;
        expect(kept?.map((s) => ({ labels: s.labels, t: Array.from(s.timestamps), v: Array.from(s.values) }))).toEqual(
          strict.data.series.map((s) => {
            const keep = Array.from(s.timestamps, (t, i) => [t, s.values[i] as number] as const).filter(([t]) => t > after);
            return { labels: s.labels, t: keep.map(([t]) => t), v: keep.map(([, v]) => v) };
          }),
        );
      }),
      { numRuns: 400 },
    );
  });

  it('gives each series its own samples when many share one sample block, and long series their own arrays', () => {
    const count = Math.ceil((2 * SAMPLE_BLOCK) / 40) + 3; // 20 samples each: more than two blocks' worth
    const long = SAMPLE_BLOCK; // past a quarter of a block: not put in one
    const items = Array.from({ length: count }, (_, i) => ({ labels: { pod: `p${i}` }, samples: Array.from({ length: 20 }, (_, j): [string, string] => [String(i * 100 + j), String(i + j / 10)]) }));
    items.push({ labels: { pod: 'long' }, samples: Array.from({ length: long }, (_, j): [string, string] => [String(j), '1']) });
    const parsed = fastParse(Buffer.from(body(items, '', []), 'utf8'));
    if (parsed?.matrix?.resultType !== 'matrix') throw new Error('want a matrix');
    const out = parsed.matrix.series;
    expect(out).toHaveLength(count + 1);
    for (let i = 0; i < count; i++) {
      expect(Array.from(out[i]!.timestamps)).toEqual(Array.from({ length: 20 }, (_, j) => i * 100 + j));
      expect(Array.from(out[i]!.values)).toEqual(Array.from({ length: 20 }, (_, j) => i + j / 10));
    }
    const buffers = new Set(out.slice(0, count).map((s) => (s.timestamps as Float64Array).buffer));
    expect(buffers.size).toBe(3);
    expect((out[count]!.timestamps as Float64Array).length).toBe(long);
    expect(buffers.has((out[count]!.timestamps as Float64Array).buffer)).toBe(false);
    // A small body gets a small block, all its series in it.
    const small = fastParse(Buffer.from(body(items.slice(0, 3), '', []), 'utf8'));
    if (small?.matrix?.resultType !== 'matrix') throw new Error('want a matrix');
    const blocks = new Set(small.matrix.series.map((s) => (s.timestamps as Float64Array).buffer));
    expect(blocks.size).toBe(1);
    expect([...blocks][0]!.byteLength).toBeLessThan(SAMPLE_BLOCK);
    expect(Array.from(small.matrix.series[2]!.values)).toEqual(Array.from({ length: 20 }, (_, j) => 2 + j / 10));
  });

  it('declines duplicate keys and escaped keys instead of guessing', () => {
    expect(fastParse(Buffer.from('{"status":"success","status":"error","data":{}}'))).toBeUndefined();
    expect(fastParse(Buffer.from('{"stat\\u0075s":"success","data":{}}'))).toBeUndefined();
  });
});
