/** Binds an app (any node:http request listener) to `host:port`; only the composition root calls it. */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Thrown when the address is malformed or cannot be bound. */
export class ListenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ListenError';
  }
}

/** A listening server. */
export interface Listening {
  /** `http://host:port` with the port actually bound (useful with port 0). */
  readonly url: string;
  /** Stops accepting connections, closes idle keep-alive connections, resolves when closed. */
  close(): Promise<void>;
}

/** Splits `host:port` (`[::1]:9464`, `0.0.0.0:9464`, `:9464`) into its parts. */
export function parseHostPort(address: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(address);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new ListenError(`failed to parse listen address ${JSON.stringify(address)}: expected HOST:PORT`);
  }
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

/** Starts an HTTP server for `app` on `address` (`HOST:PORT`). */
export async function listen(app: RequestListener, address: string): Promise<Listening> {
  const { host, port } = parseHostPort(address);
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(new ListenError(`failed to listen on ${address}: ${err.message}`, { cause: err }));
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(new ListenError(`failed to close ${address}: ${err.message}`, { cause: err })) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
