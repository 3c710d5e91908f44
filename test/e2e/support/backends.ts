import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { OpenMetricsSummary } from '../../../src/sim/index.js';
import type { RunningBackend } from '../../support/backend.js';
import { startPrometheus } from '../../support/prometheus-server.js';
import { startVictoriaMetrics } from '../../support/victoria-metrics-server.js';
import { writeHistory, type History } from './history.js';

/** Backends the e2e suites run against. */
export type BackendKind = 'prometheus' | 'victoria-metrics';

/** A backend holding a history, and what it took to get there. */
export interface LoadedBackend {
  readonly backend: RunningBackend;
  readonly summary: OpenMetricsSummary;
  /** Milliseconds spent writing the samples, and loading them (promtool, or the import) and starting. */
  readonly writeMs: number;
  readonly loadMs: number;
}

/**
 * Starts a backend serving `history`: Prometheus from TSDB blocks that promtool creates from the
 * OpenMetrics file before it starts; VictoriaMetrics through its import API, fed the same samples.
 */
export async function startBackendWithHistory(kind: BackendKind, history: History, dir: string): Promise<LoadedBackend> {
  const file = path.join(dir, `${history.schema}.om.txt`);
  const t0 = performance.now();
  const summary = await writeHistory(history, file);
  const t1 = performance.now();
  let backend: RunningBackend;
  if (kind === 'prometheus') {
    backend = await startPrometheus({ blocksFrom: file });
  } else {
    const vm = await startVictoriaMetrics();
    backend = vm;
    try {
      for await (const batch of importBatches(file)) await vm.importPrometheusText(batch);
    } catch (error) {
      await vm.stop();
      throw error;
    }
  }
  return { backend, summary, writeMs: t1 - t0, loadMs: performance.now() - t1 };
}

/**
 * The OpenMetrics samples as Prometheus text with millisecond timestamps (what VictoriaMetrics'
 * `/api/v1/import/prometheus` takes), in batches of about 8 MB. Comments and `# EOF` are dropped.
 */
async function* importBatches(file: string): AsyncGenerator<string> {
  let batch: string[] = [];
  let size = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    const ms = Math.round(Number(line.slice(space + 1)) * 1000);
    const out = `${line.slice(0, space)} ${ms}`;
    batch.push(out);
    size += out.length + 1;
    if (size >= 8 << 20) {
      yield batch.join('\n') + '\n';
      batch = [];
      size = 0;
    }
  }
  if (batch.length > 0) yield batch.join('\n') + '\n';
}
