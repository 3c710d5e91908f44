/** `energy-ledger report`: validate the period flags, then hand over to the registered report. */
import { dayStart, localDate, nextDayStart, nextMonthStart, startOfDay, startOfMonth } from '../calendar/zone.js';
import { DurationError, parseDuration } from '../core/duration.js';
import { HOUR_SECONDS, TimeError, parseTime } from '../core/time.js';
import type { ReportRequest } from './context.js';
import { COMMON_OPTIONS, configCommand, implementation } from './common.js';
import { UsageError } from './usage-error.js';
import { REPORT_USAGE } from './usage.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  'prometheus-url': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  period: { type: 'string' },
  timezone: { type: 'string' },
  step: { type: 'string' },
  top: { type: 'string' },
  by: { type: 'string' },
  format: { type: 'string' },
} as const;

const BY = ['namespace', 'node'] as const;
const FORMATS = ['table', 'csv', 'json', 'markdown'] as const;
const PERIODS = ['today', 'yesterday', 'this-month', 'last-month'] as const;
const DAY_SECONDS = 86_400;

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

/** Flag values of `report`, as parsed. */
export interface ReportFlagValues {
  from?: string;
  to?: string;
  period?: string;
  timezone?: string;
  step?: string;
  top?: string;
  by?: string;
  format?: string;
}

/** What resolving `--period` needs: the wall clock and the zone when `--timezone` is absent. */
export interface ReportClock {
  /** Unix seconds. */
  readonly now: number;
  /** The config's `timezone`. */
  readonly timezone: string;
}

/**
 * `[from, to)` of a named period in `zone`, on whole UTC hours. `today` and `this-month` end at the end
 * of the current hour (at least one hour), the others at the end of the day or month.
 */
function periodRange(period: (typeof PERIODS)[number], zone: string, now: number): { from: number; to: number } {
  const untilNow = (from: number, end: number): number => Math.min(end, Math.max(from + HOUR_SECONDS, Math.ceil(now / HOUR_SECONDS) * HOUR_SECONDS));
  const today = startOfDay(zone, now);
  const month = startOfMonth(zone, now);
  switch (period) {
    case 'today':
      return { from: today, to: untilNow(today, nextDayStart(zone, today)) };
    case 'yesterday': {
      const d = localDate(zone, today + HOUR_SECONDS);
      return { from: dayStart(zone, d.year, d.month, d.day - 1), to: today };
    }
    case 'this-month':
      return { from: month, to: untilNow(month, nextMonthStart(zone, month)) };
    case 'last-month': {
      const d = localDate(zone, month + HOUR_SECONDS);
      return { from: dayStart(zone, d.year, d.month - 1, 1), to: month };
    }
  }
}

function checkTimezone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw new UsageError(`--timezone: ${JSON.stringify(zone)} is not a known time zone (use an IANA name such as UTC or Europe/Paris)`);
  }
  return zone;
}

/** Validates the report flags into a {@link ReportRequest}; throws {@link UsageError} naming the flag. */
export function reportRequest(values: ReportFlagValues, clock: ReportClock = { now: Date.now() / 1000, timezone: 'UTC' }): ReportRequest {
  const timezone = values.timezone === undefined ? undefined : checkTimezone(values.timezone);
  let from: number;
  let to: number;
  if (values.period !== undefined) {
    if (values.from !== undefined || values.to !== undefined) throw new UsageError('--period cannot be combined with --from or --to');
    ({ from, to } = periodRange(oneOf('period', values.period, PERIODS, 'today'), timezone ?? clock.timezone, clock.now));
  } else {
    from = time('from', values.from);
    to = time('to', values.to);
    if (to <= from) throw new UsageError(`--to must be after --from (got --from ${values.from} and --to ${values.to})`);
    // The ledger keeps UTC clock hours; echo what was typed, not the unix seconds it parsed to.
    for (const [flag, t, text] of [['from', from, values.from], ['to', to, values.to]] as const) {
      if (t % HOUR_SECONDS !== 0) throw new UsageError(`--${flag} must be on a whole hour (UTC); got ${JSON.stringify(text)}`);
    }
  }
  const monthly = values.period === 'this-month' || values.period === 'last-month';
  let stepSeconds: number;
  try {
    stepSeconds = parseDuration(values.step ?? (monthly ? '1d' : '1h'));
  } catch (error) {
    if (error instanceof DurationError) throw new UsageError(`--step: ${error.message}`);
    throw error;
  }
  if (stepSeconds < 60 || stepSeconds % 60 !== 0) throw new UsageError(`--step must be a whole number of minutes, at least 1m; got ${JSON.stringify(values.step)}`);
  if (stepSeconds % HOUR_SECONDS !== 0) {
    throw new UsageError(`--step must be a whole number of hours (the ledger keeps hourly totals); got ${JSON.stringify(values.step)}`);
  }
  let top: number | undefined;
  if (values.top !== undefined) {
    top = Number(values.top);
    if (!/^[0-9]+$/.test(values.top) || top < 1) throw new UsageError(`--top must be a whole number, at least 1; got ${JSON.stringify(values.top)}`);
  }
  return {
    from,
    to,
    stepSeconds,
    by: oneOf('by', values.by, BY, 'namespace'),
    format: oneOf('format', values.format, FORMATS, 'table'),
    ...(timezone === undefined ? {} : { timezone }),
    ...(stepSeconds === DAY_SECONDS ? { days: true } : {}),
    ...(top === undefined ? {} : { top }),
  };
}

/** Runs `report`; resolves to the exit code. */
export const run = configCommand({
  name: 'report',
  options: OPTIONS,
  usage: REPORT_USAGE,
  run: async (values, context, implementations) => {
    const request = reportRequest(values, { now: Date.now() / 1000, timezone: context.config.timezone });
    const report = await implementation(implementations.report);
    await report({ ...context, request });
  },
});
