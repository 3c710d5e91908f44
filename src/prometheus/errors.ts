/**
 * Why a request to the Prometheus API failed; becomes the `reason` label of
 * `energy_ledger_poll_errors_total`.
 */
export type PrometheusErrorReason =
  | 'unreachable'
  | 'timeout'
  | 'http_4xx'
  | 'http_5xx'
  | 'http_429'
  | 'bad_response'
  | 'query_error'
  | 'too_large';

/** Every reason, for pre-initialising the error counter's label values. */
export const PROMETHEUS_ERROR_REASONS: readonly PrometheusErrorReason[] = [
  'unreachable',
  'timeout',
  'http_4xx',
  'http_5xx',
  'http_429',
  'bad_response',
  'query_error',
  'too_large',
];

/** Details of a {@link PrometheusError}. */
export interface PrometheusErrorDetails {
  readonly reason: PrometheusErrorReason;
  /** HTTP status, when a response arrived. */
  readonly status?: number;
  /** The API's `errorType` (e.g. `bad_data`, `execution`, `timeout`), when the body carried one. */
  readonly errorType?: string;
  /** The API's `error` text, when the body carried one. */
  readonly error?: string;
  /** Wait the server asked for (`Retry-After` on 429/503), capped; used by the retry loop. */
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

/** A failed Prometheus API request. Messages never contain credentials. */
export class PrometheusError extends Error {
  readonly reason: PrometheusErrorReason;
  readonly status: number | undefined;
  readonly errorType: string | undefined;
  readonly error: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: PrometheusErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'PrometheusError';
    this.reason = details.reason;
    this.status = details.status;
    this.errorType = details.errorType;
    this.error = details.error;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Whether a failure of this kind may succeed when retried (network, timeout, 5xx, 429). */
export function isRetryable(error: PrometheusError): boolean {
  return (
    error.reason === 'unreachable' || error.reason === 'timeout' || error.reason === 'http_5xx' || error.reason === 'http_429'
  );
}
