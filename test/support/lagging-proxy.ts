import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** When a sample of `node` stamped `t` becomes readable (non-decreasing in `t`, as Prometheus appends in order). */
export type VisibleAt = (node: string, t: number) => number;

/** A proxy in front of a Prometheus that holds back the newest samples of instant queries. */
export interface LaggingProxy {
  readonly url: string;
  /** Samples the proxy held back from answers so far. */
  readonly hidden: number;
  close(): Promise<void>;
}

/**
 * Forwards every request to `target`; in answers of `POST /api/v1/query` (matrices of raw samples), drops
 * every sample not readable yet at the query's `time` by `visibleAt(node_name, t)`: samples that reach
 * the backend late, e.g. through a remote-write backlog, on purpose. Answers are sent uncompressed.
 */
export async function startLaggingProxy(target: string, visibleAt: VisibleAt): Promise<LaggingProxy> {
  let hidden = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    const response = await fetch(`${target}${req.url ?? '/'}`, {
      method: req.method,
      headers: { 'content-type': String(req.headers['content-type'] ?? 'application/x-www-form-urlencoded') },
      body: req.method === 'POST' ? body : undefined,
    });
    let text = await response.text();
    if (req.method === 'POST' && (req.url ?? '').startsWith('/api/v1/query') && response.ok) {
      const at = Number(new URLSearchParams(body.toString('utf8')).get('time'));
      const parsed = JSON.parse(text) as { data?: { resultType?: string; result?: { metric: Record<string, string>; values?: [number, string][] }[] } };
      if (parsed.data?.resultType === 'matrix') {
        for (const series of parsed.data.result ?? []) {
          const node = series.metric.node_name ?? '';
          const kept = (series.values ?? []).filter(([t]) => visibleAt(node, t) <= at);
          hidden += (series.values ?? []).length - kept.length;
          series.values = kept;
        }
        parsed.data.result = (parsed.data.result ?? []).filter((s) => (s.values ?? []).length > 0);
        text = JSON.stringify(parsed);
      }
    }
    res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'application/json' });
    res.end(text);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((error: unknown) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    get hidden() {
      return hidden;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
