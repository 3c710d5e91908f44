import type { MatrixQuery } from '../carbon/query-intensity.js';
import type { CommandContext, ReportRequest } from '../cli/commands.js';
import { UsageError } from '../cli/usage-error.js';
import { HOUR_SECONDS } from '../core/time.js';
import { SCHEMAS } from '../core/types.js';
import { prometheusFromConfig } from '../service/prometheus-from-config.js';
import { classifyOptions, snapshotLabels } from '../service/config-mapping.js';
import { earliestSampleTime, RestoredHours } from '../core/ledger/index.js';
import { HourReader } from '../service/hour-reader.js';
import { abortableSleep } from '../service/poller.js';
import { fillFromHistory } from '../service/restore.js';
import { KeplerReader } from '../service/kepler-reader.js';
import type { SampleSource } from '../source/sample-source.js';
import { dayBoundaries } from '../calendar/zone.js';
import { aggregateHours, fixedBoundaries, topGroups } from './aggregate.js';
import { formatReport } from './format.js';
import { ProgressBar } from './progress.js';
import { reportWeights } from './report-weights.js';

/** Samples this close before `from` give existing series their baseline; this close after `to` close the last hour. */
const EDGE_SECONDS = 300;

/** `energy-ledger report`: the ledger run one-shot over a past period, straight from Prometheus. */
export async function report(context: CommandContext & { readonly request: ReportRequest }): Promise<void> {
  const { config, logger } = context;
  const { client, source } = prometheusFromConfig(config, logger);
  const progress = new ProgressBar(context.io.stderr, process.stderr.isTTY === true, 'reading Kepler samples');
  try {
    context.io.stdout(await buildReport({ context, source, prometheus: client, progress, now: Date.now() / 1000 }));
  } finally {
    await client.close();
  }
}

/** Everything {@link buildReport} needs; the source is injectable (tests, other backends). */
export interface ReportDeps {
  readonly context: CommandContext & { readonly request: ReportRequest };
  readonly source: SampleSource;
  /** Evaluates `carbon.intensity_query`; without it such a config fails the report. */
  readonly prometheus?: MatrixQuery;
  readonly progress?: ProgressBar;
  /** Wall clock, unix seconds: no sample is asked for beyond it. */
  readonly now: number;
}

/** Runs the ledger over `[from, to)` and renders the rows, with carbon and cost when the config has them. */
export async function buildReport({ context, source, prometheus, progress, now }: ReportDeps): Promise<string> {
  const { config, request, signal, logger } = context;
  checkRequest(request);
  const { weights, columns } = await reportWeights({ config, source, ...(prometheus !== undefined && { prometheus }), logger, from: request.from, to: request.to, now, signal });
  let firstRaw: number | undefined;
  const reader = new KeplerReader({ source, schema: config.kepler.schema, classify: classifyOptions(config) });
  // A past period may predate today's schema: ask for every schema unless one is configured.
  if (config.kepler.schema === 'auto') reader.useSchemas(SCHEMAS);
  // The restore's reader: raw samples of the hours, with the edges for baselines and the last hour's close.
  // A Prometheus younger than --from holds no baseline before it: its first scrape is the baseline.
  const hours = new HourReader({
    read: (from, to, linked) => reader.read(from, to, linked),
    from: request.from,
    to: request.to,
    edgeSeconds: EDGE_SECONDS,
    chunkSeconds: config.prometheus.maxRangeSeconds,
    maxSeriesPowerWatts: config.kepler.maxSeriesPowerWatts,
    notAfter: now,
    onChunk: (batch, done) => {
      const t = earliestSampleTime(batch);
      if (t !== undefined && !(firstRaw !== undefined && firstRaw <= t)) firstRaw = t;
      progress?.update(Math.round(done * 1000), 1000);
    },
  });
  const table = RestoredHours.fromLedger(await hours.read(signal), request.from, request.to);
  // The same restore as `serve`: hours the raw samples no longer cover take the service's published history.
  if (prometheus !== undefined) {
    const labels = snapshotLabels(config);
    await fillFromHistory(
      {
        history: { prometheus, serviceSelector: config.rules?.serviceSelector ?? '{job="energy-ledger"}', ...labels },
        hours: table,
        firstRaw,
        logger,
        onMismatch: () => undefined,
        onError: () => undefined,
        sleep: abortableSleep,
        retrySeconds: 5,
      },
      signal,
    );
  }
  progress?.finish();
  const labels = snapshotLabels(config);
  const scope = request.by;
  const names = scope === 'namespace' ? labels.namespaceLabels : labels.nodeLabels;
  const primary = scope;
  const order = [names.indexOf(primary), ...names.map((_, i) => i).filter((i) => names[i] !== primary)];
  const boundaries = request.days
    ? dayBoundaries(request.timezone ?? config.timezone, request.from, request.to)
    : fixedBoundaries(request.from, request.to, request.stepSeconds);
  const rows = aggregateHours(table.rows(scope), boundaries, weights).map((r) => ({
    ...r,
    labels: order.map((i) => r.labels[i] as string),
  }));
  return formatReport(request.top === undefined ? rows : topGroups(rows, request.top), order.map((i) => names[i] as string), request.format, columns);
}

function checkRequest(request: ReportRequest): void {
  if (request.stepSeconds % HOUR_SECONDS !== 0) throw new UsageError(`--step: must be a whole number of hours (the ledger keeps hourly totals), got ${request.stepSeconds}s`);
  for (const [flag, t] of [['--from', request.from], ['--to', request.to]] as const) {
    if (t % HOUR_SECONDS !== 0) throw new UsageError(`${flag}: must be on a whole hour (UTC), got ${t}`);
  }
}
