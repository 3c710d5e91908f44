/** One sample of a `/metrics` page. */
export interface ExposedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** Samples of Prometheus text 0.0.4 (comments skipped); throws on a line it cannot read. */
export function parseExposition(text: string): ExposedSample[] {
  const out: ExposedSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (m === null) throw new Error(`failed to parse the exposition line ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const p of (m[2] ?? '').matchAll(PAIR)) labels[p[1]!] = unescape(p[2]!);
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** `namespace → value` of one metric whose other labels match `where`. */
export function perNamespace(samples: readonly ExposedSample[], name: string, where: Readonly<Record<string, string>>): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== name || !Object.entries(where).every(([k, v]) => s.labels[k] === v)) continue;
    out.set(s.labels.namespace ?? '', s.value);
  }
  return out;
}

/** The value of an unlabelled metric, or undefined. */
export function single(samples: readonly ExposedSample[], name: string): number | undefined {
  return samples.find((s) => s.name === name)?.value;
}
