import type { RawSeries } from '../core/types.js';
import type { ApiEnvelope, QueryData } from './parse.js';

/** What the fast path returns: the envelope, and the matrix when `data` was one (then `envelope.data` is undefined). */
export interface FastParsed {
  readonly envelope: ApiEnvelope;
  readonly matrix: QueryData | undefined;
}

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
 */
export function fastParse(body: Buffer): FastParsed | undefined {
  try {
    return new Scanner(body).envelope();
  } catch (error) {
    if (error instanceof Unsupported || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

class Scanner {
  private i = 0;
  private times = new Float64Array(1024);
  private values = new Float64Array(1024);

  constructor(private readonly b: Buffer) {}

  envelope(): FastParsed {
    let status: unknown;
    let data: unknown;
    let matrix: QueryData | undefined;
    const rest: Record<string, unknown> = {};
    const seen = new Set<string>();
    this.objectEntries((key) => {
      if (seen.has(key)) throw new Unsupported();
      seen.add(key);
      if (key === 'data') {
        const parsed = this.data();
        if ('matrix' in parsed) matrix = parsed.matrix;
        else data = parsed.json;
      } else {
        const value = this.jsonValue();
        if (key === 'status') status = value;
        else rest[key] = value;
      }
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
      data,
      errorType: typeof rest.errorType === 'string' ? rest.errorType : undefined,
      error: typeof rest.error === 'string' ? rest.error : undefined,
      warnings: strings(rest.warnings),
      infos: strings(rest.infos),
    };
    return { envelope, matrix };
  }

  /** `data`: a matrix is scanned when `resultType` comes before `result`; anything else is JSON.parsed. */
  private data(): { matrix: QueryData } | { json: unknown } {
    const start = this.ws();
    if (this.b[this.i] !== LBRACE) return { json: this.jsonValue() };
    let resultType: unknown;
    let series: RawSeries[] | undefined;
    const seen = new Set<string>();
    this.objectEntries((key) => {
      if (seen.has(key)) throw new Unsupported();
      seen.add(key);
      if (key === 'resultType') resultType = this.jsonValue();
      else if (key === 'result' && resultType === 'matrix') series = this.matrix();
      else this.jsonValue();
    });
    if (resultType === 'matrix' && series !== undefined) return { matrix: { resultType: 'matrix', series } };
    return { json: JSON.parse(this.b.toString('utf8', start, this.i)) };
  }

  private matrix(): RawSeries[] {
    const series: RawSeries[] = [];
    this.array(() => {
      let labels: Record<string, string> | undefined;
      let n = -1;
      this.objectEntries((key) => {
        if (key === 'metric' && labels === undefined) labels = this.labels();
        else if (key === 'values' && n < 0) n = this.samples();
        else if (key === 'metric' || key === 'values') throw new Unsupported();
        else this.jsonValue();
      });
      if (labels === undefined) throw new Unsupported();
      const count = Math.max(n, 0);
      series.push({ labels, timestamps: this.times.slice(0, count), values: this.values.slice(0, count) });
    });
    return series;
  }

  private labels(): Record<string, string> {
    const value = this.jsonValue();
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Unsupported();
    for (const key in value) if (typeof (value as Record<string, unknown>)[key] !== 'string') throw new Unsupported();
    return value as Record<string, string>;
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
    // Clinger's fast path: an exact integer mantissa (≤ 2^53) and an exact power of ten (≤ 1e22) make one
    // correctly rounded division, i.e. the same double as Number(text). Otherwise let Number() do it.
    if (c === 0x65 || c === 0x45 || mantissa > MAX_EXACT || scale > 22) return this.slowNumber(start);
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
    this.ws();
    this.expect(LBRACE);
    this.ws();
    if (this.b[this.i] === RBRACE) {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      this.expect(QUOTE);
      const end = this.b.indexOf(QUOTE, this.i);
      if (end < 0) throw new Unsupported();
      const key = this.b.toString('utf8', this.i, end);
      if (key.includes('\\')) throw new Unsupported();
      this.i = end + 1;
      this.ws();
      this.expect(COLON);
      this.ws();
      onKey(key);
      this.ws();
      const c = this.b[this.i++];
      if (c === RBRACE) return;
      if (c !== COMMA) throw new Unsupported();
    }
  }

  private array(onItem: () => void): void {
    this.ws();
    this.expect(LBRACKET);
    this.ws();
    if (this.b[this.i] === RBRACKET) {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      onItem();
      this.ws();
      const c = this.b[this.i++];
      if (c === RBRACKET) return;
      if (c !== COMMA) throw new Unsupported();
    }
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
