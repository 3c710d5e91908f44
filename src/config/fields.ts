/** Zod schemas of single configuration values, each with a message that says what is expected. */
import { z } from 'zod';
import { formatDuration, parseDuration } from '../core/duration.js';
import { selectorProblem } from '../core/schema/selector.js';
import { parseShard, type ShardSpec } from '../core/shard/node-hash.js';
import { describeValue } from './describe.js';

/** An error function for a wrong type: `is required` when missing, else `expected <what>, got <value>`. */
export const expected = (what: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : `expected ${what}, got ${describeValue(issue.input)}`;

/**
 * A Prometheus duration written as text (`30s`, `5m`, `1h30m`), as seconds. It must be longer than
 * zero unless `allowZero`, at least `atLeast` seconds if given, and a multiple of `multipleOf` if given.
 */
export function duration(options: { allowZero?: boolean; atLeast?: number; multipleOf?: number } = {}) {
  return z.string({ error: expected('a duration such as 30s, 5m or 1h30m') }).transform((text, ctx) => {
    let seconds: number;
    try {
      seconds = parseDuration(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message, input: text });
      return z.NEVER;
    }
    if (seconds === 0 && !options.allowZero) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is too short: it must be longer than 0s`, input: text });
    } else if (options.atLeast !== undefined && seconds < options.atLeast) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is too short: it must be at least ${formatDuration(options.atLeast)}`, input: text });
    } else if (options.multipleOf !== undefined && seconds % options.multipleOf !== 0) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not a whole number of minutes (windows are made of 1-minute buckets)`, input: text });
    }
    return seconds;
  });
}

/** A trailing window: its label as written (used as the `window` label value) and its length. */
export interface WindowSpec {
  /** The duration as written in the config, e.g. `5m`; becomes the metric's `window` label. */
  readonly label: string;
  /** Length in seconds, a multiple of 60. */
  readonly seconds: number;
}

/** A trailing window: a duration that is a whole number of minutes, keeping its label. */
export const windowSpec = z.string({ error: expected('a duration such as 5m or 1h') }).transform((text, ctx): WindowSpec => {
  const parsed = duration({ multipleOf: 60 }).safeParse(text);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, input: text });
    return z.NEVER;
  }
  return { label: text, seconds: parsed.data };
});

/** A secret written inline (token, password, header value): no message ever shows the value. */
export const secretText = z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'expected a string (the value is secret and not shown)') });

/** Text that must not be empty (file paths, names). */
export const nonEmpty = z.string({ error: expected('a string') }).min(1, { error: 'must not be empty' });

/** Where to listen for `/metrics`. `host` is `0.0.0.0` when the address was written `:PORT`. */
export interface ListenAddress {
  /** Host name or IP; IPv6 without brackets. */
  readonly host: string;
  /** 0 lets the OS choose. */
  readonly port: number;
  /** The address as written, e.g. `0.0.0.0:9464`. */
  readonly address: string;
}

/** `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (all interfaces), parsed once here for the listener. */
export const listenAddress = z.string({ error: expected('HOST:PORT, e.g. 0.0.0.0:9464') }).transform((text, ctx): ListenAddress => {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]*)):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : Number.NaN;
  if (match === null) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not HOST:PORT (e.g. 0.0.0.0:9464, [::]:9464 or :9464)`, input: text });
    return z.NEVER;
  }
  if (port > 65_535) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} has port ${port}, above 65535`, input: text });
    return z.NEVER;
  }
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port, address: text };
});

/** An http(s) base URL without credentials, query or fragment; a trailing slash is dropped. */
export const httpUrl = z.string({ error: expected('an http(s) URL') }).transform((text, ctx) => {
  const fail = (detail: string): never => {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} ${detail}`, input: text });
    return z.NEVER;
  };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('is not a URL (e.g. http://prometheus:9090)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('is not an http:// or https:// URL (e.g. http://prometheus:9090)');
  if (url.username !== '' || url.password !== '') {
    // The message shows the URL with its password hidden.
    const shown = url.password === '' ? text : text.replace(`:${url.password}@`, ':***@');
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(shown)} contains credentials: use basic_auth or bearer_token_file instead`, input: shown });
    return z.NEVER;
  }
  if (url.search !== '' || url.hash !== '') return fail('must not have a query or fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
});

/** A series selector of extra matchers, `{cluster="prod-eu"}`, or empty for none. */
export const selector = z.string({ error: expected('a selector such as {cluster="prod-eu"}') }).superRefine((text, ctx) => {
  const problem = selectorProblem(text);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: text });
});

/** A Prometheus label name that is not reserved (`__…`). */
export const labelName = z.string({ error: expected('a label name') }).superRefine((text, ctx) => {
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(text)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not a valid label name (letters, digits and _, not starting with a digit)`, input: text });
  } else if (text.startsWith('__')) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is reserved (names starting with __ are internal to Prometheus)`, input: text });
  }
});

/** An HTTP header name (RFC 9110 token). */
export const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/);

/** An IANA time zone name known to this Node runtime. */
export const timeZone = z.string({ error: expected('a time zone such as UTC or Europe/Paris') }).superRefine((text, ctx) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: text });
  } catch {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not a known time zone (use an IANA name such as UTC or Europe/Paris)`, input: text });
  }
});

/** A list whose items are unique; `key` says what makes two items the same, `show` how to name one. */
export function uniqueList<T extends z.ZodType>(
  item: T,
  key: (value: z.output<T>) => unknown = (v) => v,
  show: (value: z.output<T>) => string = (v) => JSON.stringify(v),
) {
  return z.array(item, { error: expected('a list') }).superRefine((items, ctx) => {
    const seen = new Map<unknown, number>();
    items.forEach((value, index) => {
      const first = seen.get(key(value));
      if (first === undefined) {
        seen.set(key(value), index);
        return;
      }
      const other = show(items[first] as z.output<T>);
      const same = other === show(value) ? '' : ` (${other})`;
      ctx.addIssue({ code: 'custom', message: `${show(value)} repeats item ${first}${same}`, path: [index], input: value });
    });
  });
}

/** `i/N`: this replica is shard i of N (0 ≤ i < N), reading only its share of the nodes. */
export const shard = z.string({ error: expected('i/N such as 0/4') }).transform((text, ctx): ShardSpec => {
  const parsed = parseShard(text);
  if (typeof parsed === 'string') {
    ctx.addIssue({ code: 'custom', message: parsed, input: text });
    return z.NEVER;
  }
  return parsed;
});
