/**
 * Instants as unix seconds (float, millisecond resolution): parsing RFC 3339 and unix-seconds text,
 * formatting RFC 3339 in UTC, and clock-hour arithmetic. Calendar maths is done by hand (proleptic
 * Gregorian, UTC) so nothing here depends on the host's time zone or clock.
 */

/** A text that is not an RFC 3339 time or unix seconds, or a number that cannot be formatted as a time. */
export class TimeError extends Error {
  override readonly name = 'TimeError';
}

/** Seconds in one hour. */
export const HOUR_SECONDS = 3600;

const DAY_SECONDS = 86_400;
const HINT = '(use RFC 3339, e.g. 2026-11-27T10:00:00Z, or unix seconds, e.g. 1700000000)';
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
const UNIX = /^\d+(\.\d+)?$/;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The date of a day number since 1970-01-01 (H. Hinnant's `civil_from_days`). */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const roundMs = (seconds: number): number => Math.round(seconds * 1000) / 1000;

/**
 * Parses RFC 3339 (`2026-11-27T10:00:00Z`, `2026-11-27T11:00:00.250+01:00`) or unix seconds
 * (`1700000000`, `1700000000.5`) into unix seconds, rounded to milliseconds. Throws {@link TimeError}.
 */
export function parseTime(text: string): number {
  const fail = (detail: string): never => {
    throw new TimeError(`${JSON.stringify(text)} is not a time${detail === HINT ? ' ' : ': '}${detail}`);
  };
  if (typeof text !== 'string') throw new TimeError(`${String(text)} is not a time ${HINT}`);
  if (UNIX.test(text)) {
    const seconds = Number(text);
    if (!Number.isSafeInteger(Math.floor(seconds * 1000))) fail('it is too large');
    return roundMs(seconds);
  }
  const m = RFC3339.exec(text);
  if (m === null) return fail(text === '' ? `it is empty ${HINT}` : HINT);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12) fail(`month ${month} is out of range`);
  if (day < 1 || day > daysInMonth(year, month)) fail(`day ${day} is out of range`);
  if (hour > 23) fail(`hour ${hour} is out of range`);
  if (minute > 59) fail(`minute ${minute} is out of range`);
  if (second > 59) fail(`second ${second} is out of range`);
  let offset = 0;
  if (m[8] === undefined) {
    const offsetHours = Number(m[10]);
    const offsetMinutes = Number(m[11]);
    if (offsetHours > 23 || offsetMinutes > 59) fail(`offset ${m[9]}${m[10]}:${m[11]} is out of range`);
    offset = (m[9] === '-' ? -1 : 1) * (offsetHours * HOUR_SECONDS + offsetMinutes * 60);
  }
  const fraction = m[7] === undefined ? 0 : Number(`0${m[7]}`);
  const seconds = daysFromCivil(year, month, day) * DAY_SECONDS + hour * HOUR_SECONDS + minute * 60 + second - offset;
  return roundMs(seconds + fraction);
}

/**
 * Formats unix seconds as RFC 3339 in UTC: `2026-11-27T10:00:00Z`, with milliseconds only when
 * there are some (`2026-11-27T10:00:00.5Z`, trailing zeros trimmed). Throws {@link TimeError} for
 * non-finite input or years outside 0000–9999.
 */
export function formatRfc3339Utc(seconds: number): string {
  if (!Number.isFinite(seconds)) throw new TimeError(`cannot format ${String(seconds)} as a time: it is not finite`);
  const totalMs = Math.round(seconds * 1000);
  const days = Math.floor(totalMs / (DAY_SECONDS * 1000));
  const msOfDay = totalMs - days * DAY_SECONDS * 1000;
  const [year, month, day] = civilFromDays(days);
  if (year < 0 || year > 9999) throw new TimeError(`cannot format ${String(seconds)} as a time: year ${year} is out of range`);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const secondOfDay = Math.floor(msOfDay / 1000);
  const ms = msOfDay % 1000;
  const clock = `${pad(Math.floor(secondOfDay / HOUR_SECONDS))}:${pad(Math.floor(secondOfDay / 60) % 60)}:${pad(secondOfDay % 60)}`;
  const fraction = ms === 0 ? '' : `.${pad(ms, 3).replace(/0+$/, '')}`;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${clock}${fraction}Z`;
}

/** Start of the UTC clock hour containing `t` (an instant exactly on a boundary starts its hour). */
export function hourStart(t: number): number {
  return Math.floor(t / HOUR_SECONDS) * HOUR_SECONDS;
}
