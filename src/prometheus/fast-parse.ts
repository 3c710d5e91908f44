import type { RawSeries } from '../core/types.js';
import { ByteInterner } from './byte-interner.js';
import type { ApiEnvelope, ParsedResponse, QueryData } from './parse.js';

const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
const MAX_EXACT = 2 ** 53;
const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const BACKSLASH = 0x5c;

/** Signals "not the layout the fast path handles": the caller falls back to JSON.parse. */
class Unsupported extends Error {}

/**
 * Parses an API response straight from bytes. Matrix samples go from the bytes into Float64Arrays
 * without creating the per-sample arrays and strings JSON.parse would, and without decoding the body
 * into one string (so bodies past V8's ~512 MiB string limit work). Everything but the sample arrays
 * (labels, warnings, non-matrix data) is handed to JSON.parse in small slices.
 * Returns undefined for anything unusual (malformed, duplicate keys, escaped keys …): the caller then
 * uses the strict JSON.parse path, which produces the proper error.
 * With `after`, matrix samples at or before it are dropped (a range selector's left end).
 * The sample arrays of a response are views into shared blocks (see {@link SAMPLE_BLOCK}).
 */
export function fastParse(body: Buffer, after?: number): ParsedResponse | undefined {
  return unlessUnsupported(() => {
    const steps = new Scanner(body, after).envelope();
    for (;;) {
      const step = steps.next();
      if (step.done === true) return step.value;
    }
  });
}

/**
 * {@link fastParse} that awaits `pause()` (e.g. `setImmediate`) between matrix series whenever it has
 * run for `budgetMs`, so parsing a 100 MB body does not stall the event loop for hundreds of ms.
 */
export async function fastParseYielding(body: Buffer, pause: () => Promise<unknown>, budgetMs = 10, after?: number): Promise<ParsedResponse | undefined> {
  return unlessUnsupported(async () => {
    const steps = new Scanner(body, after).envelope();
    let since = performance.now();
    for (let n = 1; ; n++) {
      const step = steps.next();
      if (step.done === true) return step.value;
      if ((n & 63) === 0 && performance.now() - since >= budgetMs) {
        await pause();
        since = performance.now();
      }
    }
  });
}

/** Runs `parse`, turning "this body needs the strict path" (unsupported or malformed input) into undefined. */
function unlessUnsupported<T>(parse: () => Promise<T>): Promise<T | undefined>;
function unlessUnsupported<T>(parse: () => T): T | undefined;
function unlessUnsupported<T>(parse: () => T | Promise<T>): T | undefined | Promise<T | undefined> {
  const fallback = (error: unknown): undefined => {
    if (error instanceof Unsupported || error instanceof SyntaxError) return undefined;
    throw error;
  };
  try {
    const result = parse();
    return result instanceof Promise ? result.catch(fallback) : result;
  } catch (error) {
    return fallback(error);
  }
}

/**
 * Doubles per shared sample block (256 KiB). A series' timestamps and values are two views into a block
 * instead of two `slice`d arrays: a view costs a quarter of a slice, and 100k series make a few hundred
 * ArrayBuffers instead of 200k (fewer, shorter GC pauses). A block lives while any view into it does,
 * i.e. about as long as the response's series (a caller keeping one series long should copy it).
 */
export const SAMPLE_BLOCK = 32_768;

class Scanner {
  private i = 0;
  private times = new Float64Array(1024);
  private values = new Float64Array(1024);
  private readonly strings: ByteInterner;
  private block = new Float64Array(0);
  private used = 0;
  /** Doubles per block: {@link SAMPLE_BLOCK}, less for a small body (≥ 15 bytes of JSON per double). */
  private readonly blockSize: number;

  constructor(
    private readonly b: Buffer,
    private readonly after = -Infinity,
  ) {
    this.strings = new ByteInterner(b);
    this.blockSize = Math.min(SAMPLE_BLOCK, Math.max(256, Math.ceil(b.length / 8)));
  }

  /** The envelope; yields after each matrix series so a caller can pause (see {@link fastParseYielding}). */
  *envelope(): Generator<void, ParsedResponse> {
    let status: unknown;
    const out: { data?: unknown; matrix?: QueryData } = {};
    const rest: Record<string, unknown> = {};
    const seen = new Set<string>();
    yield* this.entries((key) => {
      if (seen.has(key)) throw new Unsupported();
      seen.add(key);
      if (key === 'data') return this.data(out);
      const value = this.jsonValue();
      if (key === 'status') status = value;
      else rest[key] = value;
      return undefined;
    });
    this.ws();
    if (this.i !== this.b.length) throw new Unsupported();
    if (status !== 'success' && status !== 'error') throw new Unsupported();
    const strings = (value: unknown): string[] => {
      if (value === undefined || value === null) return [];
      if (!Array.isArray(value) || !value.every((w) => typeof w === 'string')) throw new Unsupported();
      return value as string[];
    };
    const envelope: ApiEnvelope = {
      status,
      data: out.data,
      errorType: typeof rest.errorType === 'string' ? rest.errorType : undefined,
      error: typeof rest.error === 'string' ? rest.error : undefined,
      warnings: strings(rest.warnings),
      infos: strings(rest.infos),
    };
    return { envelope, matrix: out.matrix };
  }

  /** `data` into `out`: a matrix is scanned when `resultType` comes before `result`; anything else is JSON.parsed. */
  private *data(out: { data?: unknown; matrix?: QueryData }): Generator<void, void> {
    const start = this.ws();
    if (this.b[this.i] !== LBRACE) {
      out.data = this.jsonValue();
      return;
    }
    let resultType: unknown;
    const series: RawSeries[] = [];
    let scanned = false;
    const seen = new Set<string>();
    yield* this.entries((key) => {
      if (seen.has(key)) throw new Unsupported();
      seen.add(key);
      if (key === 'resultType') resultType = this.jsonValue();
      else if (key === 'result' && resultType === 'matrix') {
        scanned = true;
        return this.matrix(series);
      } else this.jsonValue();
      return undefined;
    });
    if (resultType === 'matrix' && scanned) out.matrix = { resultType: 'matrix', series };
    else out.data = JSON.parse(this.b.toString('utf8', start, this.i));
  }

  /** Matrix series into `series`, yielding after each one. */
  private *matrix(series: RawSeries[]): Generator<void, void> {
    yield* this.items(() => {
      let labels: Record<string, string> | undefined;
      let n = -1;
      this.objectEntries((key) => {
        if (key === 'metric' && labels === undefined) labels = this.labels();
        else if (key === 'values' && n < 0) n = this.samples();
        else if (key === 'metric' || key === 'values') throw new Unsupported();
        else this.jsonValue();
      });
      if (labels === undefined) throw new Unsupported();
      series.push(this.keep(labels, Math.max(n, 0)));
    });
  }

  /** A series of the first `n` scratch samples after `this.after`, its arrays views into the current block. */
  private keep(labels: Record<string, string>, n: number): RawSeries {
    const { times, values, after } = this;
    let count = 0;
    for (let k = 0; k < n; k++) {
      const t = times[k] as number;
      if (t > after) {
        times[count] = t;
        values[count] = values[k] as number;
        count++;
      }
    }
    if (2 * count > SAMPLE_BLOCK / 4) return { labels, timestamps: times.slice(0, count), values: values.slice(0, count) };
    if (this.used + 2 * count > this.block.length) {
      this.block = new Float64Array(Math.max(this.blockSize, 2 * count));
      this.used = 0;
    }
    const { block, used } = this;
    for (let k = 0; k < count; k++) {
      block[used + k] = times[k] as number;
      block[used + count + k] = values[k] as number;
    }
    this.used = used + 2 * count;
    return { labels, timestamps: new Float64Array(block.buffer, used * 8, count), values: new Float64Array(block.buffer, (used + count) * 8, count) };
  }

  /** {@link objectEntries} whose `onKey` may return steps to run (with their yields) before the next entry. */
  private *entries(onKey: (key: string) => Generator<void, void> | undefined): Generator<void, void> {
    if (!this.open(LBRACE, RBRACE)) return;
    do {
      const steps = onKey(this.entryKey());
      if (steps !== undefined) yield* steps;
    } while (this.more(RBRACE));
  }

  /** {@link array} that yields after each item. */
  private *items(onItem: () => void): Generator<void, void> {
    if (!this.open(LBRACKET, RBRACKET)) return;
    do {
      this.ws();
      onItem();
      yield;
    } while (this.more(RBRACKET));
  }

  /**
   * A series' labels, read from the bytes: keys and values are interned per response (most repeat across
   * series: job, instance, node, namespace, zone …), so 100k series keep ~2 unique strings each instead
   * of ~14, and no slice of the body is decoded to be JSON.parsed (≈ 1 KB of garbage per series less).
   * A string with escapes goes through JSON.parse; a repeated key, `__proto__`, a control character or
   * a non-string value makes the whole body take the strict path.
   */
  private labels(): Record<string, string> {
    const labels: Record<string, string> = {};
    this.ws();
    this.expect(LBRACE);
    this.ws();
    if (this.b[this.i] === RBRACE) {
      this.i++;
      return labels;
    }
    for (;;) {
      this.ws();
      this.expect(QUOTE);
      const key = this.text();
      if (key === '__proto__' || Object.hasOwn(labels, key)) throw new Unsupported();
      this.ws();
      this.expect(COLON);
      this.ws();
      this.expect(QUOTE);
      labels[key] = this.text();
      this.ws();
      const c = this.b[this.i++];
      if (c === RBRACE) return labels;
      if (c !== COMMA) throw new Unsupported();
    }
  }

  /** A string's content after its opening quote, interned unless it has escapes; consumes the closing quote. */
  private text(): string {
    const b = this.b;
    const start = this.i;
    let hash = ByteInterner.SEED;
    let ascii = true;
    for (let i = start; i < b.length; i++) {
      const c = b[i] as number;
      if (c === QUOTE) {
        this.i = i + 1;
        return this.strings.get(start, i, hash, ascii);
      }
      if (c === BACKSLASH) {
        this.i = this.stringEnd(start);
        const value: unknown = JSON.parse(b.toString('utf8', start - 1, this.i));
        if (typeof value !== 'string') throw new Unsupported();
        return value;
      }
      if (c < 0x20) throw new Unsupported();
      if (c >= 0x80) ascii = false;
      hash = ByteInterner.step(hash, c);
    }
    throw new Unsupported();
  }

  /** `[[t,"v"],…]` into the scratch arrays; returns the count. */
  private samples(): number {
    let n = 0;
    this.array(() => {
      this.expect(LBRACKET);
      this.ws();
      const t = this.number();
      this.ws();
      this.expect(COMMA);
      this.ws();
      this.expect(QUOTE);
      const v = this.quotedNumber();
      this.ws();
      this.expect(RBRACKET);
      if (n === this.times.length) this.grow();
      this.times[n] = t;
      this.values[n] = v;
      n++;
    });
    return n;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    const values = new Float64Array(this.values.length * 2);
    times.set(this.times);
    values.set(this.values);
    this.times = times;
    this.values = values;
  }

  /** A JSON number at the cursor, exactly as Number() would read it. */
  private number(): number {
    const b = this.b;
    const start = this.i;
    let i = start;
    let negative = false;
    if (b[i] === 0x2d) {
      negative = true;
      i++;
    }
    let mantissa = 0;
    let scale = 0;
    const intStart = i;
    while (i < b.length && (b[i] as number) >= 0x30 && (b[i] as number) <= 0x39) {
      mantissa = mantissa * 10 + ((b[i] as number) - 0x30);
      i++;
    }
    if (i === intStart || (b[intStart] === 0x30 && i - intStart > 1)) throw new Unsupported();
    if (b[i] === 0x2e) {
      i++;
      const fracStart = i;
      while (i < b.length && (b[i] as number) >= 0x30 && (b[i] as number) <= 0x39) {
        mantissa = mantissa * 10 + ((b[i] as number) - 0x30);
        scale++;
        i++;
      }
      if (i === fracStart) throw new Unsupported();
    }
    this.i = i;
    const c = b[i];
    // Clinger's fast path: an exact integer mantissa (< 2^53) and an exact power of ten (≤ 1e22) make one
    // correctly rounded division, i.e. the same double as Number(text). Otherwise let Number() do it.
    // `>=`: the accumulated mantissa is exact below 2^53 only; the digits of 2^53 + 1 also accumulate to 2^53.
    if (c === 0x65 || c === 0x45 || mantissa >= MAX_EXACT || scale > 22) return this.slowNumber(start);
    const value = scale === 0 ? mantissa : mantissa / (POW10[scale] as number);
    return negative ? -value : value;
  }

  /** Any valid JSON number (exponents, many digits) via Number(); sets the cursor past it. */
  private slowNumber(start: number): number {
    const b = this.b;
    let i = start;
    while (i < b.length) {
      const c = b[i] as number;
      if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45) i++;
      else break;
    }
    const text = b.toString('latin1', start, i);
    if (!/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(text)) throw new Unsupported();
    this.i = i;
    return Number(text);
  }

  /** The sample value after its opening quote: a number, `NaN`, `+Inf`, `-Inf`. Consumes the closing quote. */
  private quotedNumber(): number {
    const b = this.b;
    const start = this.i;
    const c = b[start];
    if ((c as number) >= 0x30 && (c as number) <= 0x39) {
      const value = this.number();
      this.expect(QUOTE);
      return value;
    }
    const end = b.indexOf(QUOTE, start);
    if (end < 0) throw new Unsupported();
    const text = b.toString('latin1', start, end);
    this.i = end + 1;
    if (text === 'NaN') return Number.NaN;
    if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
    if (text === '-Inf') return Number.NEGATIVE_INFINITY;
    if (!/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(text)) throw new Unsupported();
    return Number(text);
  }

  /** Calls `onKey` with the cursor at each value; keys with escapes are unsupported. */
  private objectEntries(onKey: (key: string) => void): void {
    if (!this.open(LBRACE, RBRACE)) return;
    do onKey(this.entryKey());
    while (this.more(RBRACE));
  }

  /** Consumes `open`; false (and the `close` consumed too) when the object or array is empty. */
  private open(open: number, close: number): boolean {
    this.ws();
    this.expect(open);
    this.ws();
    if (this.b[this.i] !== close) return true;
    this.i++;
    return false;
  }

  /** Consumes the separator after an entry or item: true after a comma, false at `close`. */
  private more(close: number): boolean {
    this.ws();
    const c = this.b[this.i++];
    if (c === close) return false;
    if (c !== COMMA) throw new Unsupported();
    return true;
  }

  /** An entry's key and its colon, leaving the cursor at the value. */
  private entryKey(): string {
    this.ws();
    this.expect(QUOTE);
    const key = this.key();
    this.ws();
    this.expect(COLON);
    this.ws();
    return key;
  }

  /** An object key after its opening quote (keys with escapes are unsupported); consumes the closing quote. */
  private key(): string {
    const end = this.b.indexOf(QUOTE, this.i);
    if (end < 0) throw new Unsupported();
    const key = this.b.toString('utf8', this.i, end);
    if (key.includes('\\')) throw new Unsupported();
    this.i = end + 1;
    return key;
  }

  /** Calls `onItem` with the cursor at each item of the array at the cursor. */
  private array(onItem: () => void): void {
    if (!this.open(LBRACKET, RBRACKET)) return;
    do {
      this.ws();
      onItem();
    } while (this.more(RBRACKET));
  }

  /** JSON.parse of the value at the cursor (validated by JSON.parse itself). */
  private jsonValue(): unknown {
    const start = this.ws();
    this.skip();
    return JSON.parse(this.b.toString('utf8', start, this.i));
  }

  /** Moves the cursor past one JSON value without checking it beyond its extent (jsonValue checks). */
  private skip(): void {
    const b = this.b;
    this.ws();
    const c = b[this.i];
    if (c === QUOTE) {
      this.i = this.stringEnd(this.i + 1);
      return;
    }
    if (c === LBRACE || c === LBRACKET) {
      let depth = 0;
      while (this.i < b.length) {
        const d = b[this.i];
        if (d === QUOTE) {
          this.i = this.stringEnd(this.i + 1);
          continue;
        }
        this.i++;
        if (d === LBRACE || d === LBRACKET) depth++;
        else if (d === RBRACE || d === RBRACKET) {
          depth--;
          if (depth === 0) return;
        }
      }
      throw new Unsupported();
    }
    const start = this.i;
    while (this.i < b.length) {
      const d = b[this.i] as number;
      if (d === COMMA || d === RBRACE || d === RBRACKET || d <= 0x20) break;
      this.i++;
    }
    if (this.i === start) throw new Unsupported();
  }

  /** Index just past the closing quote of a string whose content starts at `i`. */
  private stringEnd(i: number): number {
    const b = this.b;
    for (;;) {
      const end = b.indexOf(QUOTE, i);
      if (end < 0) throw new Unsupported();
      let slashes = 0;
      for (let j = end - 1; j >= i && b[j] === BACKSLASH; j--) slashes++;
      if (slashes % 2 === 0) return end + 1;
      i = end + 1;
    }
  }

  private expect(byte: number): void {
    if (this.b[this.i] !== byte) throw new Unsupported();
    this.i++;
  }

  /** Skips whitespace; returns the new cursor. */
  private ws(): number {
    const b = this.b;
    let i = this.i;
    while (i < b.length) {
      const c = b[i];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.i = i;
    return i;
  }
}

/**
 * One Scanner alive for the life of the process, for its hidden class: V8 drops optimized code whose
 * embedded maps die in a full collection. With no Scanner alive between polls, every major GC (the memory
 * reducer runs them while the process idles between polls) threw away the whole parser's optimized code,
 * and the next poll parsed in the interpreter until V8 optimized it again: a cost that does not shrink with
 * a shard's series (bench/RESULTS.md, "Scale: steady-state polls").
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- held for its map, see above
const LIVE_SCANNER = new Scanner(Buffer.alloc(0));
