/** Binds an app (any node:http request listener) to `host:port`; only the composition root calls it. */
import { readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server, type ServerOptions } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** Thrown when the address cannot be bound or the TLS files cannot be read. */
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

/** Where to bind: a host name or IP (IPv6 without brackets) and a port, 0 letting the OS choose. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Options of {@link listen}. */
export interface ListenOptions {
  /** Serve HTTPS with this PEM certificate (chain) and key. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
}

/** Largest request head (request line and headers) accepted; larger gets 431. */
const MAX_HEADER_BYTES = 8192;

/** Bounds on what a client may send and how long it may take (no endpoint reads a body). */
const SERVER_LIMITS: ServerOptions = { maxHeaderSize: MAX_HEADER_BYTES, headersTimeout: 10_000, requestTimeout: 30_000 };

/** While closing, how often connections that have turned idle are closed, ms. */
const IDLE_CLOSE_MS = 50;

/** Starts an HTTP (or, with `tls`, HTTPS) server for `app` on `host:port` (parsed by the config). */
export async function listen(app: RequestListener, { host, port }: HostPort, options: ListenOptions = {}): Promise<Listening> {
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const address = `${urlHost}:${port}`;
  const server: Server =
    options.tls === undefined
      ? createServer(SERVER_LIMITS, app)
      : createHttpsServer({ ...SERVER_LIMITS, cert: readPem(options.tls.certFile, 'certificate'), key: readPem(options.tls.keyFile, 'key') }, app);
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(new ListenError(`failed to listen on ${address}: ${err.message}`, { cause: err }));
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://${urlHost}:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // A keep-alive connection busy at close() stays open, and a scraper that reuses it every second kept
        // the server from closing at all: later responses say `Connection: close`, and connections that
        // turn idle are closed as they do.
        server.prependListener('request', (_req, res) => res.setHeader('Connection', 'close'));
        const closeIdle = setInterval(() => server.closeIdleConnections(), IDLE_CLOSE_MS);
        server.close((err) => {
          clearInterval(closeIdle);
          if (err) reject(new ListenError(`failed to close ${address}: ${err.message}`, { cause: err }));
          else resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ListenError(`failed to read TLS ${what} file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, { cause: error });
  }
}
