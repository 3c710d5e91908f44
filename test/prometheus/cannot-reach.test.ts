import { describe, expect, it } from 'vitest';
import { cannotReachMessage } from '../../src/prometheus/cannot-reach.js';
import { PrometheusError } from '../../src/prometheus/errors.js';

const URL = 'http://prometheus:9090';

/** A client error as `PrometheusClient` throws it: the socket error (with its code) nested in `cause`. */
function unreachable(code: string | undefined, nested = true): PrometheusError {
  const socket = Object.assign(new Error(`connect ${code ?? ''}`), code === undefined ? {} : { code });
  const cause = nested ? Object.assign(new Error('fetch failed'), { cause: socket }) : socket;
  return new PrometheusError('failed to query "kepler_pod_cpu_joules_total[2h]" at http://prometheus:9090/api/v1/query: …', { reason: 'unreachable', cause });
}

describe('cannotReachMessage', () => {
  it.each([
    ['ECONNREFUSED', 'connection refused'],
    ['ENOTFOUND', 'host not found'],
    ['ETIMEDOUT', 'connection timed out'],
    ['UND_ERR_CONNECT_TIMEOUT', 'connection timed out'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'TLS certificate is self-signed'],
  ])('names the server and the cause of %s, not the query', (code, words) => {
    expect(cannotReachMessage(unreachable(code), URL)).toBe(`cannot reach Prometheus at ${URL}: ${words}`);
    expect(cannotReachMessage(unreachable(code, false), URL)).toBe(`cannot reach Prometheus at ${URL}: ${words}`);
  });

  it('leaves errors it cannot put in plain words as they are: unknown codes, unreadable token files, HTTP and query errors', () => {
    expect(cannotReachMessage(unreachable('ENOENT'), URL)).toBeUndefined();
    expect(cannotReachMessage(unreachable(undefined), URL)).toBeUndefined();
    expect(cannotReachMessage(new PrometheusError('HTTP 503', { reason: 'http_5xx', status: 503 }), URL)).toBeUndefined();
    expect(cannotReachMessage(new Error('connect ECONNREFUSED'), URL)).toBeUndefined();
  });
});
