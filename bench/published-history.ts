/**
 * The service's own published hours as Prometheus would have scraped them, written as OpenMetrics for
 * promtool: per hour, two scrapes of one replica in the last minute of the next hour of the data
 * watermark and `previous_hour` of every namespace and node. Streamed (a month is ~1 GB of text).
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const HOUR = 3600;

/** Shape of the published history. */
export interface PublishedHistoryOptions {
  /** Hours `[end − hours × 1 h, end − 1 h)` are published (the last one is still open at `end`). */
  readonly end: number;
  readonly hours: number;
  readonly namespaces: number;
  readonly nodes: number;
}

function* lines(o: PublishedHistoryOptions): Generator<string> {
  const first = o.end - o.hours * HOUR;
  const scrapes = (h: number): number[] => [h + 2 * HOUR - 60, h + 2 * HOUR - 30];
  yield '# TYPE energy_ledger_data_watermark_timestamp_seconds gauge';
  for (let h = first; h < o.end - HOUR; h += HOUR) for (const t of scrapes(h)) yield `energy_ledger_data_watermark_timestamp_seconds{job="energy-ledger",instance="a"} ${h + HOUR + 1800} ${t}`;
  yield '# TYPE energy_ledger_namespace_period_energy_watt_hours gauge';
  for (let n = 0; n < o.namespaces; n++) {
    for (let h = first; h < o.end - HOUR; h += HOUR) for (const t of scrapes(h)) yield `energy_ledger_namespace_period_energy_watt_hours{job="energy-ledger",instance="a",namespace="namespace-${n}",period="previous_hour"} ${(n % 97) + 1.25} ${t}`;
  }
  yield '# TYPE energy_ledger_node_period_energy_watt_hours gauge';
  for (let n = 0; n < o.nodes; n++) {
    for (let h = first; h < o.end - HOUR; h += HOUR) for (const t of scrapes(h)) yield `energy_ledger_node_period_energy_watt_hours{job="energy-ledger",instance="a",node="node-${n}",period="previous_hour"} ${n + 100.5} ${t}`;
  }
  yield '# EOF';
}

/** Writes the history to `file`; returns the number of samples. */
export async function writePublishedHistory(file: string, o: PublishedHistoryOptions): Promise<number> {
  const out = createWriteStream(file);
  let chunk = '';
  let samples = 0;
  for (const line of lines(o)) {
    chunk += `${line}\n`;
    if (!line.startsWith('#')) samples++;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return samples;
}
