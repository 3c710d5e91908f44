/** `energy-ledger report`: validate the period flags, then hand over to the registered report. */
import { DurationError, parseDuration } from '../core/duration.js';
import { TimeError, parseTime } from '../core/time.js';
import { IMPLEMENTATIONS, type CommandImplementations, type ReportRequest } from './commands.js';
import { COMMON_OPTIONS, EXIT, contextFor, implementation, loadCommandConfig, parseFlags, runReporting } from './common.js';
import type { CliIo } from './io.js';
import { UsageError } from './usage-error.js';
import { REPORT_USAGE } from './usage.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  'prometheus-url': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  step: { type: 'string' },
  by: { type: 'string' },
  format: { type: 'string' },
} as const;

const BY = ['namespace', 'node'] as const;
const FORMATS = ['table', 'csv', 'json'] as const;

function time(flag: string, text: string | undefined): number {
  if (text === undefined) throw new UsageError(`--${flag} is required (RFC 3339, e.g. 2026-11-27T10:00:00Z, or unix seconds)`);
  try {
    return parseTime(text);
  } catch (error) {
    if (error instanceof TimeError) throw new UsageError(`--${flag}: ${error.message}`);
    throw error;
  }
}

function oneOf<T extends string>(flag: string, text: string | undefined, allowed: readonly T[], fallback: T): T {
  if (text === undefined) return fallback;
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}; got ${JSON.stringify(text)}`);
}

/** Validates the report flags into a {@link ReportRequest}; throws {@link UsageError} naming the flag. */
export function reportRequest(values: { from?: string; to?: string; step?: string; by?: string; format?: string }): ReportRequest {
  const from = time('from', values.from);
  const to = time('to', values.to);
  if (to <= from) throw new UsageError(`--to must be after --from (got --from ${values.from} and --to ${values.to})`);
  let stepSeconds: number;
  try {
    stepSeconds = parseDuration(values.step ?? '1h');
  } catch (error) {
    if (error instanceof DurationError) throw new UsageError(`--step: ${error.message}`);
    throw error;
  }
  if (stepSeconds < 60 || stepSeconds % 60 !== 0) throw new UsageError(`--step must be a whole number of minutes, at least 1m; got ${JSON.stringify(values.step)}`);
  return { from, to, stepSeconds, by: oneOf('by', values.by, BY, 'namespace'), format: oneOf('format', values.format, FORMATS, 'table') };
}

/** Runs `report`; resolves to the exit code. */
export function run(args: readonly string[], io: CliIo, implementations: CommandImplementations = IMPLEMENTATIONS): Promise<number> {
  return runReporting('report', io, async () => {
    const { values } = parseFlags(args, OPTIONS);
    if (values.help) {
      io.stdout(REPORT_USAGE);
      return EXIT.ok;
    }
    const { help: _help, from, to, step, by, format, ...flags } = values;
    const request = reportRequest({ from, to, step, by, format });
    const config = await loadCommandConfig(flags, io);
    const report = await implementation(implementations.report);
    await report({ ...contextFor(config, io), request });
    return EXIT.ok;
  });
}
