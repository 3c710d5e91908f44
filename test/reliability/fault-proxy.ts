import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';

/** What the proxy does to the next requests. */
export type Fault =
  | 'none'
  | 'slow'
  | 'too_slow'
  | 'http_5xx'
  | 'http_429'
  | 'truncated'
  | 'not_json'
  | 'status_error'
  | 'wrong_result_type'
  | 'too_large';

/**
 * A tiny node:http proxy in front of a real Prometheus that turns its answers into the faults a real
 * server cannot be made to produce on demand (5xx, 429, truncated or malformed bodies, huge bodies).
 * With `none` it forwards every request unchanged.
 */
export interface FaultProxy {
  readonly url: string;
  fault: Fault;
  /** Delay of `slow` (under the client's timeout) and `too_slow` (over it), ms. */
  slowMs: number;
  tooSlowMs: number;
  /** Requests still forwarded unchanged before `fault` applies (counts down). */
  passNext: number;
  /** Requests answered with a fault since start. */
  readonly faulted: number;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  let faulted = 0;
  // The proxy object itself holds the settings the handler reads; `url` is set once the server listens.
  const state = {
    url: '',
    fault: 'none' as Fault,
    slowMs: 300,
    tooSlowMs: 3000,
    passNext: 0,
    get faulted() {
      return faulted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  const forward = async (req: IncomingMessage, body: Buffer): Promise<{ status: number; type: string; text: string }> => {
    const response = await fetch(`${target}${req.url ?? '/'}`, {
      method: req.method,
      headers: { 'content-type': String(req.headers['content-type'] ?? 'application/x-www-form-urlencoded') },
      body: req.method === 'POST' ? body : undefined,
    });
    return { status: response.status, type: response.headers.get('content-type') ?? 'application/json', text: await response.text() };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    let fault = state.fault;
    if (state.passNext > 0) {
      state.passNext--;
      fault = 'none';
    }
    if (fault !== 'none') faulted++;
    const send = (status: number, text: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(text);
    };
    switch (fault) {
      case 'http_5xx':
        return send(503, 'upstream connect error or disconnect/reset before headers', { 'content-type': 'text/plain' });
      case 'http_429':
        return send(429, JSON.stringify({ status: 'error', errorType: 'too_many_requests', error: 'rate limited' }), { 'retry-after': '1' });
      case 'not_json':
        return send(200, '<html><body>Gateway login</body></html>', { 'content-type': 'text/html' });
      case 'status_error':
        return send(200, JSON.stringify({ status: 'error', errorType: 'execution', error: 'expanding series: context deadline exceeded' }));
      case 'wrong_result_type':
        return send(200, JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, '1'] } }));
      case 'too_large':
        return send(200, JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] }, padding: 'x'.repeat(200_000) }));
      default:
        break;
    }
    if (fault === 'slow') await delay(state.slowMs);
    if (fault === 'too_slow') await delay(state.tooSlowMs);
    const answer = await forward(req, body);
    if (fault === 'truncated') {
      // Chunked, so the client sees a well-framed but cut-off JSON document.
      res.writeHead(answer.status, { 'content-type': answer.type });
      res.end(answer.text.slice(0, Math.floor(answer.text.length / 2)));
      return;
    }
    send(answer.status, answer.text, { 'content-type': answer.type });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  state.url = `http://127.0.0.1:${port}`;
  return state;
}
