/**
 * Authentication in front of the HTTP endpoints, in the manner of Prometheus' web config
 * (`basic_auth_users`), but with the secret in a file: a basic-auth password file and/or a bearer
 * token file, re-read when they change. Credentials are compared in constant time (SHA-256 of both
 * sides, `timingSafeEqual`), and an empty secret file accepts nobody.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { SecretFile } from '../prometheus/secret-file.js';
import { sendText } from './respond.js';

/** What the guard requires; with both, either credential is accepted. */
export interface HttpAuthOptions {
  readonly basicAuth?: { readonly username: string; readonly passwordFile: string };
  readonly bearerTokenFile?: string;
}

/** Paths that stay open so that probes (kubelet, load balancers) need no credentials. */
export const UNAUTHENTICATED_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

const REALM = 'energy-ledger';

/**
 * Resolves true if `req` carries a configured credential; otherwise answers it (401 with
 * `WWW-Authenticate`, or 500 when a secret file cannot be read) and resolves false. Never rejects.
 */
export type Authorize = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** The guard as an express middleware (open probe paths), with `authorize` for use outside Express. */
export type AuthGuard = RequestHandler & { readonly authorize: Authorize };

/** Constant-time equality of two strings of any length. */
export function safeEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * An express middleware that answers 401 (with `WWW-Authenticate`) unless the request carries a
 * configured credential; undefined when nothing is configured. A secret file that cannot be read
 * fails the request with 500 and is reported to `onError` (the message names the file, never its content).
 */
export function createAuthGuard(options: HttpAuthOptions | undefined, onError?: (err: unknown) => void): AuthGuard | undefined {
  const basic = options?.basicAuth;
  const passwordFile = basic === undefined ? undefined : new SecretFile(basic.passwordFile);
  const tokenFile = options?.bearerTokenFile === undefined ? undefined : new SecretFile(options.bearerTokenFile);
  if (passwordFile === undefined && tokenFile === undefined) return undefined;
  const challenge = passwordFile !== undefined ? `Basic realm="${REALM}", charset="UTF-8"` : `Bearer realm="${REALM}"`;

  const accepts = async (header: string | undefined): Promise<boolean> => {
    if (header === undefined) return false;
    const space = header.indexOf(' ');
    const scheme = header.slice(0, space).toLowerCase();
    const credential = header.slice(space + 1).trim();
    if (space < 0 || credential === '') return false;
    if (scheme === 'basic' && passwordFile !== undefined && basic !== undefined) {
      const decoded = Buffer.from(credential, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return false;
      const password = await passwordFile.read();
      // Both comparisons always run, so the time does not tell which part was wrong.
      const userOk = safeEqual(decoded.slice(0, colon), basic.username);
      const passwordOk = safeEqual(decoded.slice(colon + 1), password);
      return password !== '' && userOk && passwordOk;
    }
    if (scheme === 'bearer' && tokenFile !== undefined) {
      const token = await tokenFile.read();
      return safeEqual(credential, token) && token !== '';
    }
    return false;
  };

  const authorize: Authorize = (req, res) =>
    accepts(req.headers.authorization).then(
      (ok) => {
        if (!ok) sendText(res, 401, 'unauthorized\n', { 'WWW-Authenticate': challenge });
        return ok;
      },
      (err: unknown) => {
        onError?.(err);
        sendText(res, 500, 'internal error\n');
        return false;
      },
    );

  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (UNAUTHENTICATED_PATHS.has(req.path)) return next();
    void authorize(req, res).then((ok) => ok && next());
  };
  return Object.assign(middleware, { authorize });
}
