import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseSelector } from '../core/schema/selector.js';
import type { FamilySpec } from './families.js';
import type { Scenario } from './scenario.js';
import { compileMatchers } from './matchers.js';
import { collectStored, specsNamed, type StoredSeries } from './stored.js';
import { escapeLabelValue } from '../exposition/text-format.js';
import { formatGoFloat } from './text-format.js';

/** Options of {@link openMetricsChunks} and {@link writeOpenMetrics}. */
export interface OpenMetricsOptions {
  /** Exclusive start, unix seconds. */
  readonly from: number;
  /** Inclusive end, unix seconds. */
  readonly to: number;
  /** Only these families (Kepler's names, e.g. `kepler_pod_cpu_joules_total`); default all. */
  readonly metrics?: readonly string[];
  /**
   * Only series whose stored labels match, e.g. `{zone=~"package|dram|"}` (PromQL matchers; a missing
   * label matches as ""). Keeps a 26 h backfill small.
   */
  readonly match?: string;
}

/** What was written. */
export interface OpenMetricsSummary {
  readonly series: number;
  readonly samples: number;
}

const CHUNK_CHARS = 1 << 16;

function escapeOmHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/**
 * OpenMetrics declaration of a family. Counters named `…_total` become `# TYPE <base> counter`; counters
 * Kepler misnamed without `_total` are declared `unknown` so the stored name stays what Prometheus stored.
 */
function declaration(spec: FamilySpec): { family: string; type: string } {
  if (spec.type === 'counter') {
    return spec.name.endsWith('_total') ? { family: spec.name.slice(0, -'_total'.length), type: 'counter' } : { family: spec.name, type: 'unknown' };
  }
  return { family: spec.name, type: 'gauge' };
}

function seriesPrefix(s: StoredSeries): string {
  const names = Object.keys(s.labels).filter((n) => n !== '__name__').sort();
  return `${s.labels.__name__}{${names.map((n) => `${n}="${escapeLabelValue(s.labels[n]!)}"`).join(',')}} `;
}

function timestamp(t: number): string {
  const ms = Math.round(t * 1000);
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`;
}

/**
 * The samples Prometheus stored in (from, to], as OpenMetrics text for
 * `promtool tsdb create-blocks-from openmetrics`: each family once under its `# TYPE`, series contiguous
 * with ascending millisecond timestamps, `# EOF` last. Yields chunks of about 64 KiB.
 */
export async function* openMetricsChunks(scenario: Scenario, options: OpenMetricsOptions, summary?: { series: number; samples: number }): AsyncGenerator<string> {
  const specs = specsNamed(scenario, options.metrics);
  const stored = collectStored(scenario, specs, options.from, options.to);
  const keep = compileMatchers(options.match === undefined ? [] : parseSelector(options.match));
  let chunk = '';
  for (const spec of specs) {
    const series = (stored.get(spec.name) ?? [])
      .filter((s) => keep(s.labels))
      .map((s) => ({ s, prefix: seriesPrefix(s) }))
      .sort((a, b) => (a.prefix < b.prefix ? -1 : 1));
    if (series.length === 0) continue;
    const { family, type } = declaration(spec);
    chunk += `# HELP ${family} ${escapeOmHelp(spec.help)}\n# TYPE ${family} ${type}\n`;
    for (const { s, prefix } of series) {
      if (summary) {
        summary.series++;
        summary.samples += s.timestamps.length;
      }
      for (let i = 0; i < s.timestamps.length; i++) {
        chunk += `${prefix}${formatGoFloat(s.values[i]!)} ${timestamp(s.timestamps[i]!)}\n`;
        if (chunk.length >= CHUNK_CHARS) {
          yield chunk;
          chunk = '';
        }
      }
    }
  }
  yield `${chunk}# EOF\n`;
}

/** Writes {@link openMetricsChunks} to a file. */
export async function writeOpenMetrics(scenario: Scenario, path: string, options: OpenMetricsOptions): Promise<OpenMetricsSummary> {
  const summary = { series: 0, samples: 0 };
  await pipeline(Readable.from(openMetricsChunks(scenario, options, summary)), createWriteStream(path));
  return summary;
}
