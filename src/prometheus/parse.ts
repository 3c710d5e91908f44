import type { RawSeries } from '../core/types.js';
import { PrometheusError } from './errors.js';

/** One element of an instant vector. */
export interface VectorSample {
  readonly labels: Readonly<Record<string, string>>;
  /** Unix seconds. */
  readonly timestamp: number;
  readonly value: number;
}

/** The `data` of a successful query, by `resultType`. Matrix samples are in typed arrays. */
export type QueryData =
  | { readonly resultType: 'matrix'; readonly series: RawSeries[] }
  | { readonly resultType: 'vector'; readonly samples: VectorSample[] }
  | { readonly resultType: 'scalar'; readonly timestamp: number; readonly value: number }
  | { readonly resultType: 'string'; readonly timestamp: number; readonly value: string };

/** The JSON envelope every `/api/v1/*` endpoint returns. */
export interface ApiEnvelope {
  readonly status: 'success' | 'error';
  readonly data: unknown;
  readonly errorType: string | undefined;
  readonly error: string | undefined;
  readonly warnings: string[];
  readonly infos: string[];
}

/** A parsed successful response: the envelope, and the matrix when the fast path already parsed it (then `envelope.data` is undefined). */
export interface ParsedResponse {
  readonly envelope: ApiEnvelope;
  readonly matrix: QueryData | undefined;
}

/** Parses the API envelope; throws `bad_response` for anything that is not one (truncated, not JSON, wrong shape). */
export function parseEnvelope(text: string): ApiEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw badResponse(`body is not JSON (${text.length} bytes, starts ${JSON.stringify(text.slice(0, 80))})`, cause);
  }
  if (!isObject(json)) throw badResponse('body is not a JSON object');
  const { status } = json;
  if (status !== 'success' && status !== 'error') throw badResponse(`unknown status ${JSON.stringify(status)}`);
  return {
    status,
    data: json.data,
    errorType: typeof json.errorType === 'string' ? json.errorType : undefined,
    error: typeof json.error === 'string' ? json.error : undefined,
    warnings: stringList(json.warnings, 'warnings'),
    infos: stringList(json.infos, 'infos'),
  };
}

/** Parses the `data` of a successful `/api/v1/query` response. */
export function parseQueryData(data: unknown): QueryData {
  if (!isObject(data)) throw badResponse('data is not an object');
  const { resultType, result } = data;
  switch (resultType) {
    case 'matrix':
      return { resultType, series: parseMatrix(result) };
    case 'vector':
      return { resultType, samples: parseVector(result) };
    case 'scalar':
    case 'string': {
      if (!Array.isArray(result) || typeof result[0] !== 'number' || typeof result[1] !== 'string') {
        throw badResponse(`${resultType} result is not [time, "value"]`);
      }
      return resultType === 'scalar'
        ? { resultType, timestamp: result[0], value: parseValue(result[1]) }
        : { resultType, timestamp: result[0], value: result[1] };
    }
    default:
      throw badResponse(`unknown resultType ${JSON.stringify(resultType)}`);
  }
}

/**
 * Matrix result → series with `Float64Array` timestamps (unix seconds) and values. Labels are the
 * parsed `metric` objects themselves (no copy); no object is allocated per sample.
 */
export function parseMatrix(result: unknown): RawSeries[] {
  if (!Array.isArray(result)) throw badResponse('matrix result is not an array');
  const series: RawSeries[] = new Array(result.length);
  for (let s = 0; s < result.length; s++) {
    const item: unknown = result[s];
    if (!isObject(item) || !isLabels(item.metric)) throw badResponse(`matrix series ${s} has no valid metric`);
    // Native-histogram-only series carry `histograms` and no `values`: no float samples.
    const pairs: unknown = item.values ?? [];
    if (!Array.isArray(pairs)) throw badResponse(`matrix series ${s} values is not an array`);
    const n = pairs.length;
    const timestamps = new Float64Array(n);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const pair: unknown = pairs[i];
      if (!Array.isArray(pair)) throw badResponse(`matrix series ${s} sample ${i} is not [time, "value"]`);
      const t: unknown = pair[0];
      const v: unknown = pair[1];
      if (typeof t !== 'number' || typeof v !== 'string') throw badResponse(`matrix series ${s} sample ${i} is not [time, "value"]`);
      timestamps[i] = t;
      values[i] = parseValue(v);
    }
    series[s] = { labels: item.metric, timestamps, values };
  }
  return series;
}

/** Vector result → samples. */
export function parseVector(result: unknown): VectorSample[] {
  if (!Array.isArray(result)) throw badResponse('vector result is not an array');
  return result.map((item: unknown, s) => {
    if (!isObject(item) || !isLabels(item.metric)) throw badResponse(`vector sample ${s} has no valid metric`);
    const pair = item.value;
    if (!Array.isArray(pair) || typeof pair[0] !== 'number' || typeof pair[1] !== 'string') {
      throw badResponse(`vector sample ${s} value is not [time, "value"]`);
    }
    return { labels: item.metric, timestamp: pair[0], value: parseValue(pair[1]) };
  });
}

/** Prometheus sample value string → number (`+Inf`, `-Inf`, `NaN` included). */
export function parseValue(text: string): number {
  const value = Number(text);
  if (!Number.isNaN(value) && text.length > 0) return value;
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  throw badResponse(`sample value ${JSON.stringify(text.slice(0, 40))} is not a number`);
}

function badResponse(detail: string, cause?: unknown): PrometheusError {
  return new PrometheusError(`failed to parse Prometheus response: ${detail}`, { reason: 'bad_response', cause });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLabels(value: unknown): value is Record<string, string> {
  if (!isObject(value)) return false;
  for (const key in value) if (typeof value[key] !== 'string') return false;
  return true;
}

function stringList(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((w) => typeof w === 'string')) throw badResponse(`${what} is not a list of strings`);
  return value as string[];
}
