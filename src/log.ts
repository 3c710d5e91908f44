/**
 * The process logger: pino JSON lines on **stderr**, so that stdout stays clean for command output
 * (`report --format csv`, `rules`, `check-config`). Credentials are redacted wherever they appear.
 */
import { destination, pino, stdTimeFunctions, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config/index.js';

export type { Logger } from 'pino';

/** Replaces a redacted value. */
const REDACTED_LOG_VALUE = '[REDACTED]';

/** Keys whose values are secret at any depth (up to four levels down), in config and request shapes. */
const SECRET_KEYS = ['password', 'bearer_token', 'bearerToken', 'token', 'authorization', 'Authorization', 'cookie', 'Cookie'];
/** Whole objects whose values may be secret: configured Prometheus request headers. */
const SECRET_OBJECTS = ['prometheus.headers'];

/** pino `redact` paths for every secret key at depths 0–4. */
const REDACT_PATHS: readonly string[] = [0, 1, 2, 3, 4].flatMap((depth) => {
  const prefix = '*.'.repeat(depth);
  return [...SECRET_KEYS, ...SECRET_OBJECTS].map((key) => `${prefix}${key}`);
});

/** Creates the root logger; components use `logger.child({ component })`. */
export function createLogger(options: { level: LogLevel; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: [...REDACT_PATHS], censor: REDACTED_LOG_VALUE },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? destination({ fd: 2, sync: true }),
  );
}
