import { readFileSync } from 'node:fs';
import type { RawSeries } from '../../../src/core/types.js';
import { storedLabels } from '../../../src/sim/index.js';

/** One whole sample line of a real Kepler `/metrics` excerpt: metric name, Kepler's labels, value. */
export interface ExcerptSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The whole samples of an excerpt, its `# HELP` texts, and the lines that are not whole samples. */
export interface Excerpt {
  readonly samples: readonly ExcerptSample[];
  readonly help: ReadonlyMap<string, string>;
  /** Shell prompts, `----` separators, lines cut by the search index or elided by their author (`...`). */
  readonly skipped: readonly string[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Reads `test/fixtures/kepler-real/<file>`; the provenance lines at its top (`# Source:` …) are comments. */
export function readExcerpt(file: string): Excerpt {
  const text = readFileSync(new URL(`../../fixtures/kepler-real/${file}`, import.meta.url), 'utf8');
  const samples: ExcerptSample[] = [];
  const help = new Map<string, string>();
  const skipped: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# HELP (\S+) (.*)$/.exec(line);
    if (meta !== null) help.set(meta[1]!, meta[2]!);
    if (line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    const value = m === null ? NaN : Number(m[3]);
    if (m === null || Number.isNaN(value)) {
      skipped.push(line);
      continue;
    }
    const labels: Record<string, string> = {};
    for (const [, name, raw] of (m[2] ?? '').matchAll(LABEL)) labels[name!] = raw!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: m[1]!, labels, value });
  }
  return { samples, help, skipped };
}

/**
 * The samples as Prometheus stores them when a ServiceMonitor scrapes Kepler on `node` (target labels
 * added, Kepler's clashing `instance` renamed `exported_instance`, empty values dropped), one raw series
 * per sample with `values[i]` at `times[i]`.
 */
export function asStored(samples: readonly ExcerptSample[], node: string, times: readonly number[], values: (s: ExcerptSample) => readonly number[] = (s) => times.map(() => s.value)): RawSeries[] {
  return samples.map((s) => ({ labels: storedLabels(s.name, s.labels, node), timestamps: times, values: values(s) }));
}
