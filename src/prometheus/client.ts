import { readFileSync } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { pipeline } from 'node:stream';
import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import { Agent, request, type Dispatcher } from 'undici';
import type { RawSeries } from '../core/types.js';
import { PrometheusError, isRetryable, type PrometheusErrorDetails, type PrometheusErrorReason } from './errors.js';
import { concatInSlices } from './concat-in-slices.js';
import { fastParseYielding } from './fast-parse.js';
import { parseEnvelope, parseQueryData, type ApiEnvelope, type ParsedResponse, type QueryData, type VectorSample } from './parse.js';
import { backoffDelayMs, retryAfterMs, type RetryPolicy } from './retry.js';
import { SecretFile } from './secret-file.js';
import { Semaphore } from './semaphore.js';

/** TLS settings, as in Prometheus' `tls_config`. */
export interface PrometheusTlsOptions {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** Name to send as SNI and to verify the certificate against (default: the URL's host). */
  readonly serverName?: string;
  readonly insecureSkipVerify?: boolean;
}

/** Basic auth; the password inline or from a file re-read when it changes. */
export interface PrometheusBasicAuth {
  readonly username: string;
  readonly password?: string;
  readonly passwordFile?: string;
}

/** Options of {@link PrometheusClient}. Only `url` is required. */
export interface PrometheusClientOptions {
  /** API base, with an optional path prefix (Mimir: `http://mimir/prometheus`). */
  readonly url: string;
  /** Per-attempt deadline, also sent as the `timeout` parameter. Default 30. */
  readonly timeoutSeconds?: number;
  readonly bearerToken?: string;
  /** Re-read on change (rotation works without restart). */
  readonly bearerTokenFile?: string;
  readonly basicAuth?: PrometheusBasicAuth;
  readonly tls?: PrometheusTlsOptions;
  /** Extra request headers, e.g. `{ 'X-Scope-OrgID': 'team-a' }`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Requests in flight at once (and connections). Default 4. */
  readonly maxConcurrency?: number;
  /** Retries after the first attempt on network errors, timeouts, 5xx and 429. Default 3. */
  readonly retries?: number;
  /** Backoff ceiling of the first retry (doubles per retry, full jitter). Default 500. */
  readonly retryBaseDelayMs?: number;
  /** Cap of every wait, including `Retry-After`. Default 30 000. */
  readonly retryMaxDelayMs?: number;
  /** Responses larger than this (after decompression) fail with `too_large`. Default 512 MiB. */
  readonly maxResponseBytes?: number;
  /** Ask for gzip responses (about 10× less to transfer; Prometheus and VictoriaMetrics support it). Default true. */
  readonly compression?: boolean;
  /**
   * Form parameters added to every query. Default `{ partial_response: 'false', max_source_resolution: '0' }`:
   * Thanos must not drop stores or serve downsampled data; Prometheus 2.42 and VictoriaMetrics ignore them.
   */
  readonly queryParams?: Readonly<Record<string, string>>;
  /** Called for every warning in a response (warnings are also returned, never thrown). */
  readonly onWarning?: (warning: string, expr: string) => void;
  /** Test hooks. */
  readonly random?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly now?: () => number;
}

/** A successful query: the data plus the response's warnings (and 3.x infos). */
export type QueryResult = QueryData & { readonly warnings: string[]; readonly infos: string[] };

/** `/api/v1/status/buildinfo` data (`version`, `revision`, `branch`, …). */
export type BuildInfo = Readonly<Record<string, string>> & { readonly version: string };

const DEFAULT_QUERY_PARAMS = { partial_response: 'false', max_source_resolution: '0' } as const;
const MAX_ERROR_TEXT = 500;

interface Attempt {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly form?: URLSearchParams;
  /** What failed, for messages: `query "up"`. */
  readonly what: string;
  /** Matrix samples at or before this time are dropped while parsing (see {@link PrometheusClient.queryMatrix}). */
  readonly after?: number;
}

/**
 * Client of the Prometheus HTTP API (Prometheus, Thanos, Mimir, VictoriaMetrics) over one undici
 * Agent: POSTed form queries, deadlines, retries with backoff, auth, TLS, size limit.
 */
export class PrometheusClient {
  /** The URL without credentials, for messages and logs. */
  readonly displayUrl: string;
  private readonly base: URL;
  private readonly prefix: string;
  private readonly dispatcher: Agent;
  private readonly semaphore: Semaphore;
  private readonly timeoutMs: number;
  private readonly policy: RetryPolicy;
  private readonly maxResponseBytes: number;
  private readonly queryParams: Readonly<Record<string, string>>;
  private readonly tokenFile: SecretFile | undefined;
  private readonly passwordFile: SecretFile | undefined;
  private readonly secrets = new Set<string>();
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: PrometheusClientOptions) {
    const base = new URL(options.url);
    let basicAuth = options.basicAuth;
    if (base.username !== '' || base.password !== '') {
      if (basicAuth !== undefined) throw new Error('failed to configure Prometheus client: credentials both in url and basicAuth');
      basicAuth = { username: decodeURIComponent(base.username), password: decodeURIComponent(base.password) };
      base.username = '';
      base.password = '';
    }
    this.base = base;
    // A URL's pathname is never empty ('/' at least), so keep the prefix without its trailing slash apart.
    this.prefix = base.pathname.replace(/\/+$/, '');
    this.displayUrl = `${base.origin}${this.prefix}`;
    checkAuth(options, basicAuth);
    this.options = { ...options, basicAuth };
    for (const secret of [options.bearerToken, basicAuth?.password]) if (secret) this.secrets.add(secret);
    this.tokenFile = options.bearerTokenFile === undefined ? undefined : new SecretFile(options.bearerTokenFile);
    this.passwordFile = basicAuth?.passwordFile === undefined ? undefined : new SecretFile(basicAuth.passwordFile);

    const concurrency = options.maxConcurrency ?? 4;
    this.semaphore = new Semaphore(concurrency);
    this.dispatcher = new Agent({ connections: concurrency, connect: tlsConnectOptions(options.tls) });
    this.timeoutMs = Math.round((options.timeoutSeconds ?? 30) * 1000);
    this.policy = {
      retries: options.retries ?? 3,
      baseDelayMs: options.retryBaseDelayMs ?? 500,
      maxDelayMs: options.retryMaxDelayMs ?? 30_000,
    };
    this.maxResponseBytes = options.maxResponseBytes ?? 512 * 1024 * 1024;
    this.queryParams = options.queryParams ?? DEFAULT_QUERY_PARAMS;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    this.now = options.now ?? Date.now;
  }

  /** Instant query at `time` (unix seconds; default: the server's now), POSTed as a form. */
  async query(expr: string, time?: number, signal?: AbortSignal): Promise<QueryResult> {
    return this.queryAfter(expr, time, signal, undefined);
  }

  /**
   * Instant query that must return a matrix (e.g. a range selector): raw series plus warnings. With
   * `after`, samples at or before it may be dropped while parsing (cheaper than clipping afterwards;
   * the strict fallback parser keeps them, so a caller that needs them gone must still clip).
   */
  async queryMatrix(expr: string, time: number, signal?: AbortSignal, after?: number): Promise<{ series: RawSeries[]; warnings: string[] }> {
    const result = await this.queryAfter(expr, time, signal, after);
    if (result.resultType !== 'matrix') throw this.unexpectedType(expr, 'matrix', result.resultType);
    return { series: result.series, warnings: result.warnings };
  }

  private async queryAfter(expr: string, time: number | undefined, signal: AbortSignal | undefined, after: number | undefined): Promise<QueryResult> {
    const form = new URLSearchParams({ query: expr });
    if (time !== undefined) form.set('time', formatSeconds(time));
    form.set('timeout', `${this.timeoutMs}ms`);
    for (const [key, value] of Object.entries(this.queryParams)) form.set(key, value);
    const attempt: Attempt = { method: 'POST', path: '/api/v1/query', form, what: `query ${excerpt(expr)}`, after };
    const { envelope, matrix } = await this.send(attempt, signal);
    let data: QueryData;
    try {
      data = matrix ?? parseQueryData(envelope.data);
    } catch (error) {
      throw this.wrap(attempt, error as PrometheusError);
    }
    for (const warning of envelope.warnings) this.options.onWarning?.(warning, expr);
    return { ...data, warnings: envelope.warnings, infos: envelope.infos };
  }

  /** Instant query that must return a vector. */
  async queryVector(expr: string, time?: number, signal?: AbortSignal): Promise<{ samples: VectorSample[]; warnings: string[] }> {
    const result = await this.query(expr, time, signal);
    if (result.resultType !== 'vector') throw this.unexpectedType(expr, 'vector', result.resultType);
    return { samples: result.samples, warnings: result.warnings };
  }

  /**
   * Values of one label among the series that match `match` (series selectors) in `[start, end]`,
   * from the index alone (`GET /api/v1/label/<name>/values`; servers may widen the range to whole blocks).
   */
  async labelValues(label: string, match: readonly string[], start: number, end: number, signal?: AbortSignal): Promise<string[]> {
    const params = new URLSearchParams();
    for (const m of match) params.append('match[]', m);
    params.set('start', formatSeconds(start));
    params.set('end', formatSeconds(end));
    const path = `/api/v1/label/${encodeURIComponent(label)}/values?${params.toString()}`;
    const attempt: Attempt = { method: 'GET', path, what: `read the values of label ${label}` };
    const { envelope } = await this.send(attempt, signal);
    const data = envelope.data;
    if (!Array.isArray(data) || !data.every((v): v is string => typeof v === 'string')) {
      throw this.wrap(attempt, new PrometheusError('expected a list of label values', { reason: 'bad_response' }));
    }
    return data;
  }

  /**
   * Label sets of the series that match `match` (series selectors) in `[start, end]`, from the index
   * alone (`GET /api/v1/series`; servers may widen the range to whole blocks). `limit` asks for at most
   * that many (Prometheus ≥ 2.49, VictoriaMetrics; older servers ignore it and send all).
   */
  async series(match: readonly string[], start: number, end: number, signal?: AbortSignal, limit?: number): Promise<Record<string, string>[]> {
    const params = new URLSearchParams();
    for (const m of match) params.append('match[]', m);
    params.set('start', formatSeconds(start));
    params.set('end', formatSeconds(end));
    if (limit !== undefined) params.set('limit', String(limit));
    const path = `/api/v1/series?${params.toString()}`;
    const attempt: Attempt = { method: 'GET', path, what: 'read the series list' };
    const { envelope } = await this.send(attempt, signal);
    const data = envelope.data;
    const isLabels = (v: unknown): v is Record<string, string> =>
      typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
    if (!Array.isArray(data) || !data.every(isLabels)) {
      throw this.wrap(attempt, new PrometheusError('expected a list of label sets', { reason: 'bad_response' }));
    }
    return data;
  }

  /** Server build info, or undefined where the endpoint is missing or empty (VictoriaMetrics, some proxies). */
  async buildInfo(signal?: AbortSignal): Promise<BuildInfo | undefined> {
    let envelope: ApiEnvelope;
    try {
      ({ envelope } = await this.send({ method: 'GET', path: '/api/v1/status/buildinfo', what: 'read build info' }, signal));
    } catch (error) {
      if (error instanceof PrometheusError && (error.status === 404 || error.status === 405)) return undefined;
      throw error;
    }
    const data = envelope.data;
    if (typeof data !== 'object' || data === null) return undefined;
    const version = (data as Record<string, unknown>).version;
    return typeof version === 'string' && version !== '' ? (data as BuildInfo) : undefined;
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async send(attempt: Attempt, signal?: AbortSignal): Promise<ParsedResponse> {
    for (let retry = 0; ; retry++) {
      try {
        return await this.semaphore.run(() => this.once(attempt, signal));
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (!(error instanceof PrometheusError) || !isRetryable(error)) throw error;
        if (retry >= this.policy.retries) {
          if (retry === 0) throw error;
          throw new PrometheusError(`${error.message} (gave up after ${retry + 1} attempts)`, { ...details(error), cause: error.cause });
        }
        const wait = error.retryAfterMs ?? backoffDelayMs(this.policy, retry, this.random);
        try {
          await this.sleep(wait, signal);
        } catch (sleepError) {
          throw signal?.aborted ? signal.reason : sleepError;
        }
      }
    }
  }

  /** One HTTP round trip → the parsed body of a 2xx `status:"success"` response. */
  private async once(attempt: Attempt, signal?: AbortSignal): Promise<ParsedResponse> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const combined = signal === undefined ? deadline : AbortSignal.any([signal, deadline]);
    const url = `${this.base.origin}${this.prefix}${attempt.path}${this.base.search}`;
    const fail = (reason: PrometheusErrorReason, detail: string, extra: Omit<PrometheusErrorDetails, 'reason' | 'cause'> = {}, cause?: unknown) =>
      new PrometheusError(this.redact(`failed to ${attempt.what} at ${this.displayUrl}${attempt.path}: ${detail}`), {
        reason,
        ...extra,
        cause,
      });

    let response: Dispatcher.ResponseData;
    let body: Buffer;
    try {
      response = await request(url, {
        dispatcher: this.dispatcher,
        method: attempt.method,
        headers: await this.headers(attempt.form !== undefined),
        body: attempt.form?.toString(),
        signal: combined,
      });
      body = await this.readBody(response, fail);
    } catch (error) {
      if (error instanceof PrometheusError) throw error;
      if (signal?.aborted) throw signal.reason;
      if (deadline.aborted) throw fail('timeout', `no response within ${this.timeoutMs} ms`, {}, error);
      const code = (error as { code?: string }).code ?? '';
      const reason = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' ? 'timeout' : 'unreachable';
      const message = error instanceof Error ? error.message : String(error);
      throw fail(reason, `${code || 'error'} ${message}`.trim(), {}, error);
    }

    const status = response.statusCode;
    const tooLong = body.length > bufferConstants.MAX_STRING_LENGTH;
    if (status >= 200 && status < 300) {
      let parsed: ParsedResponse | undefined;
      try {
        // Pauses between series, so a 100 MB matrix does not stall the event loop (scrapes, other queries).
        parsed = await fastParseYielding(body, () => nextTurn(), 10, attempt.after);
        if (parsed === undefined && tooLong) {
          throw fail('too_large', `response of ${body.length} bytes is too large to decode as one string`, { status });
        }
        parsed ??= { envelope: parseEnvelope(body.toString('utf8')), matrix: undefined };
      } catch (error) {
        if (error instanceof PrometheusError && error.reason === 'too_large') throw error;
        throw fail('bad_response', `HTTP ${status}: ${(error as Error).message}`, { status }, error);
      }
      if (parsed.envelope.status === 'error') {
        const { errorType, error } = parsed.envelope;
        throw fail('query_error', `${errorType ?? 'error'}: ${clip(error ?? '')}`, { status, errorType, error });
      }
      return parsed;
    }
    const text = body.toString('utf8', 0, tooLong ? 65_536 : body.length);
    let errorType: string | undefined;
    let errorText: string | undefined;
    try {
      ({ errorType, error: errorText } = parseEnvelope(text));
    } catch {
      // a proxy's HTML or plain-text error page
    }
    const detail = `HTTP ${status}${errorType ? ` ${errorType}` : ''}: ${clip(errorText ?? text)}`;
    const extra = { status, errorType, error: errorText };
    if (status === 429) throw fail('http_429', detail, { ...extra, retryAfterMs: this.retryAfter(response) });
    if (status >= 500) {
      const reason = errorType === 'timeout' ? 'timeout' : 'http_5xx';
      throw fail(reason, detail, { ...extra, retryAfterMs: this.retryAfter(response) });
    }
    throw fail(status >= 400 ? 'http_4xx' : 'bad_response', detail, extra);
  }

  /** Reads (and gunzips) the body, failing with `too_large` past the limit; zlib errors are `bad_response`. */
  private async readBody(
    response: Dispatcher.ResponseData,
    fail: (reason: PrometheusErrorReason, detail: string, extra?: object, cause?: unknown) => PrometheusError,
  ): Promise<Buffer> {
    const limit = this.maxResponseBytes;
    const declared = Number(response.headers['content-length']);
    if (declared > limit) {
      discard(response.body);
      throw fail('too_large', `response of ${declared} bytes exceeds the limit of ${limit} bytes`);
    }
    const gzip = String(response.headers['content-encoding'] ?? '').toLowerCase() === 'gzip';
    let stream: NodeJS.ReadableStream & { destroy(): void } = response.body;
    if (gzip) stream = pipeline(response.body, createGunzip(), () => undefined); // errors surface while iterating
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > limit) throw fail('too_large', `response exceeds the limit of ${limit} bytes${gzip ? ' (decompressed)' : ''}`);
        chunks.push(chunk);
      }
    } catch (error) {
      discard(stream);
      discard(response.body);
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && code.startsWith('Z_')) {
        throw fail('bad_response', `corrupt gzip body: ${(error as Error).message}`, {}, error);
      }
      throw error;
    }
    // In slices: one copy of a 90 MB body stalled the event loop for 50–80 ms.
    return concatInSlices(chunks, size, () => nextTurn());
  }

  private async headers(form: boolean): Promise<Record<string, string>> {
    const headers: Record<string, string> = { ...this.options.headers, accept: 'application/json' };
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (this.options.compression !== false) headers['accept-encoding'] = 'gzip';
    const token = this.tokenFile === undefined ? this.options.bearerToken : await this.remember(this.tokenFile);
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const basic = this.options.basicAuth;
    if (basic !== undefined) {
      const password = this.passwordFile === undefined ? (basic.password ?? '') : await this.remember(this.passwordFile);
      const encoded = Buffer.from(`${basic.username}:${password}`).toString('base64');
      this.secrets.add(encoded);
      headers.authorization = `Basic ${encoded}`;
    }
    return headers;
  }

  private async remember(file: SecretFile): Promise<string> {
    let value: string;
    try {
      value = await file.read();
    } catch (error) {
      throw new PrometheusError(`failed to prepare request to ${this.displayUrl}: ${(error as Error).message}`, {
        reason: 'unreachable',
        cause: error,
      });
    }
    if (value !== '') this.secrets.add(value);
    return value;
  }

  private retryAfter(response: Dispatcher.ResponseData): number | undefined {
    const header = response.headers['retry-after'];
    return retryAfterMs(Array.isArray(header) ? header[0] : header, this.now(), this.policy.maxDelayMs);
  }

  private unexpectedType(expr: string, wanted: string, got: string): PrometheusError {
    return new PrometheusError(
      this.redact(`failed to query ${excerpt(expr)} at ${this.displayUrl}/api/v1/query: resultType ${got}, want ${wanted}`),
      { reason: 'bad_response' },
    );
  }

  private wrap(attempt: Attempt, error: PrometheusError): PrometheusError {
    return new PrometheusError(this.redact(`failed to ${attempt.what} at ${this.displayUrl}${attempt.path}: ${error.message}`), {
      ...details(error),
      cause: error,
    });
  }

  /** Removes every credential the client knows of from a message. */
  private redact(message: string): string {
    let text = message;
    for (const secret of this.secrets) if (secret.length > 0) text = text.split(secret).join('<redacted>');
    return text;
  }
}

/** Destroys a body we stop reading; undici then emits an abort error that nobody needs to see. */
function discard(stream: NodeJS.EventEmitter & { destroy(): void }): void {
  stream.on('error', () => undefined);
  stream.destroy();
}

function details(error: PrometheusError): PrometheusErrorDetails {
  const { reason, status, errorType, error: text, retryAfterMs } = error;
  return { reason, status, errorType, error: text, retryAfterMs };
}

function checkAuth(options: PrometheusClientOptions, basicAuth: PrometheusBasicAuth | undefined): void {
  const problem =
    options.bearerToken !== undefined && options.bearerTokenFile !== undefined
      ? 'bearerToken and bearerTokenFile are mutually exclusive'
      : (options.bearerToken !== undefined || options.bearerTokenFile !== undefined) && basicAuth !== undefined
        ? 'bearer token and basic auth are mutually exclusive'
        : basicAuth?.password !== undefined && basicAuth.passwordFile !== undefined
          ? 'basicAuth.password and basicAuth.passwordFile are mutually exclusive'
          : undefined;
  if (problem !== undefined) throw new Error(`failed to configure Prometheus client: ${problem}`);
}

function tlsConnectOptions(tls: PrometheusTlsOptions | undefined): Record<string, unknown> {
  if (tls === undefined) return {};
  const read = (file: string | undefined, what: string): Buffer | undefined => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (error) {
      throw new Error(`failed to read TLS ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, { cause: error });
    }
  };
  const options: Record<string, unknown> = { rejectUnauthorized: tls.insecureSkipVerify !== true };
  const ca = read(tls.caFile, 'CA file');
  const cert = read(tls.certFile, 'certificate file');
  const key = read(tls.keyFile, 'key file');
  if (ca !== undefined) options.ca = ca;
  if (cert !== undefined) options.cert = cert;
  if (key !== undefined) options.key = key;
  if (tls.serverName !== undefined) options.servername = tls.serverName;
  return options;
}

/** Unix seconds with millisecond precision, as the API expects. */
function formatSeconds(seconds: number): string {
  return (Math.round(seconds * 1000) / 1000).toFixed(3);
}

function excerpt(expr: string): string {
  return JSON.stringify(expr.length > 120 ? `${expr.slice(0, 120)}…` : expr);
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_ERROR_TEXT ? `${oneLine.slice(0, MAX_ERROR_TEXT)}…` : oneLine;
}
