/** Secret-free copies of the configuration, for logs, the landing page and `check-config`. */
import { formatDuration } from '../core/duration.js';
import type { Config } from './schema.js';

/** Replaces secrets. */
export const REDACTED = '[REDACTED]';

/** A copy of `config` with the bearer token, basic-auth password and header values replaced by `[REDACTED]`. */
export function redactConfig(config: Config): Config {
  const p = config.prometheus;
  return {
    ...config,
    prometheus: {
      ...p,
      ...(p.bearerToken !== undefined && { bearerToken: REDACTED }),
      ...(p.basicAuth !== undefined && {
        basicAuth: { ...p.basicAuth, ...(p.basicAuth.password !== undefined && { password: REDACTED }) },
      }),
      headers: Object.fromEntries(Object.keys(p.headers).map((name) => [name, REDACTED])),
    },
  };
}

/** One line describing the effective configuration, without secrets. */
export function summarizeConfig(config: Config): string {
  const p = config.prometheus;
  const auth = p.bearerToken !== undefined || p.bearerTokenFile !== undefined ? 'bearer token' : p.basicAuth ? 'basic auth' : 'no auth';
  return [
    `prometheus ${p.url} (${auth}${p.selector ? `, selector ${p.selector}` : ''})`,
    `listen ${config.listen.address}`,
    `interval ${formatDuration(config.intervalSeconds)}`,
    `backfill ${formatDuration(config.backfillSeconds)}`,
    `windows ${config.windows.map((w) => w.label).join(',') || 'none'}`,
    `group_by ${config.groupBy.join(',')}`,
    `kepler schema ${config.kepler.schema}`,
  ].join(', ');
}
