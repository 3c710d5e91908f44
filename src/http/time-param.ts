/** Parses the TIME query parameters of the JSON API: RFC 3339 or unix seconds. */

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const UNIX_SECONDS = /^\d{1,12}(\.\d{1,9})?$/;

/** Unix seconds for `text`, or a sentence saying why it is not a time. */
export function parseTime(text: string): { ok: true; seconds: number } | { ok: false; error: string } {
  if (UNIX_SECONDS.test(text)) return { ok: true, seconds: Number(text) };
  if (RFC3339.test(text)) {
    const ms = Date.parse(text.replace(' ', 'T'));
    // Date.parse rolls over impossible dates (Feb 30) on some inputs; compare the calendar date back.
    if (Number.isFinite(ms) && sameCalendarDate(text, ms)) return { ok: true, seconds: ms / 1000 };
  }
  return { ok: false, error: `${JSON.stringify(text.slice(0, 64))} is neither RFC 3339 nor unix seconds` };
}

function sameCalendarDate(text: string, ms: number): boolean {
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(text);
  const shift = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000 : 0;
  return new Date(ms + shift).toISOString().slice(0, 10) === text.slice(0, 10);
}

/** RFC 3339 UTC text of unix seconds. */
export function formatTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
