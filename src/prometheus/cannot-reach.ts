import { PrometheusError } from './errors.js';

/** Plain words for the network errors a user can act on, by Node's error code. */
const WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate chain is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name',
};

/** The first error code along an error's `cause` chain (undici nests the socket error). */
function codeOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
  }
  return undefined;
}

/**
 * For a request that never reached Prometheus (reason `unreachable`, a known network or TLS error),
 * the message a user needs: `cannot reach Prometheus at <url>: connection refused`, naming the server,
 * not the query that happened to be first. Undefined for any other error (those name the query on
 * purpose, and an unreadable token file says so itself). `url` must be free of credentials (the
 * client's `displayUrl`).
 */
export function cannotReachMessage(error: unknown, url: string): string | undefined {
  if (!(error instanceof PrometheusError) || error.reason !== 'unreachable') return undefined;
  const code = codeOf(error.cause ?? error);
  const words = code === undefined ? undefined : WORDS[code];
  return words === undefined ? undefined : `cannot reach Prometheus at ${url}: ${words}`;
}
