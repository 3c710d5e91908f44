import type { MatrixQuery } from '../carbon/query-intensity.js';
import type { CommandContext, ReportRequest } from '../cli/context.js';
import { DEFAULTS } from '../config/schema.js';
import { PROMETHEUS_LOOKBACK_SECONDS } from '../core/lookback.js';
import { formatRfc3339Utc, HOUR_SECONDS } from '../core/time.js';
import { SCHEMAS } from '../core/types.js';
import { cannotReachMessage } from '../prometheus/cannot-reach.js';
import { prometheusFromConfig } from '../service/prometheus-from-config.js';
import { classifyOptions, snapshotLabels } from '../service/config-mapping.js';
import { earliestSampleTime, RestoredHours } from '../core/ledger/index.js';
import { HourReader } from '../read/hour-reader.js';
import { abortableSleep } from '../service/poller.js';
import { fillFromHistory } from '../service/restore.js';
import { KeplerReader } from '../read/kepler-reader.js';
import type { SampleSource } from '../read/sample-source.js';
import { dayBoundaries } from '../calendar/zone.js';
import { aggregateHours, fixedBoundaries, topGroups, type ReportRow } from './aggregate.js';
import { missingSpans, SampleCoverage } from './coverage.js';
import { formatReport } from './format.js';
import { ProgressBar } from './progress.js';
import { ReportRequestError } from './report-request-error.js';
import { reportWeights } from './report-weights.js';

/** Samples this close before `from` give existing series their baseline; this close after `to` close the last hour. */
const EDGE_SECONDS = PROMETHEUS_LOOKBACK_SECONDS;

/** `energy-ledger report`: the ledger run one-shot over a past period, straight from Prometheus. */
export async function report(context: CommandContext & { readonly request: ReportRequest }): Promise<void> {
  const { config, logger } = context;
  const { client, source } = prometheusFromConfig(config, logger);
  const progress = new ProgressBar(context.io.stderr, context.io.stderrIsTerminal === true, 'reading Kepler samples');
  try {
    context.io.stdout(await buildReport({ context, source, prometheus: client, progress, now: Date.now() / 1000 }));
  } catch (error) {
    const message = cannotReachMessage(error, client.displayUrl);
    throw message === undefined ? error : new Error(message, { cause: error });
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
  const coverage = new SampleCoverage();
  const hours = new HourReader({
    read: (from, to, linked) => reader.read(from, to, linked),
    from: request.from,
    to: request.to,
    edgeSeconds: EDGE_SECONDS,
    chunkSeconds: config.prometheus.maxRangeSeconds,
    maxSeriesPowerWatts: config.kepler.maxSeriesPowerWatts,
    notAfter: now,
    onChunk: (batch, done) => {
      coverage.observe(batch);
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
        history: { prometheus, serviceSelector: config.rules?.serviceSelector ?? DEFAULTS.rules.service_selector, ...labels },
        hours: table,
        firstRaw,
        logger,
        onMismatch: () => undefined,
        onError: () => undefined,
        sleep: abortableSleep,
        retrySeconds: 5,
        onTaken: (hourStart) => coverage.observeHistoryHour(hourStart),
        // A report reads the history only where the raw samples are gone, and fails rather than waits.
        compareWithRaw: false,
        attempts: 3,
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
  const covered = coverage.hours(request.from, request.to);
  const ranked = withCoverage(request.top === undefined ? rows : topGroups(rows, request.top), request.from, covered);
  const missing = missingSpans(request.from, covered);
  if (missing.length > 0) context.io.stderr(missingDataNotice(missing, request.format === 'json'));
  // Periods without any data are unknown, not 0 Wh: left out of the text formats, null in JSON.
  const shown = request.format === 'json' ? ranked : ranked.filter((r) => r.coverage.hoursWithData > 0);
  return formatReport(shown, order.map((i) => names[i] as string), request.format, columns);
}

/** The rows with their period's hours and hours with data (`covered[k]`: the hour starting at `from + k h`). */
function withCoverage(rows: readonly ReportRow[], from: number, covered: readonly boolean[]): (ReportRow & { coverage: NonNullable<ReportRow['coverage']> })[] {
  return rows.map((r) => {
    const first = (r.periodStart - from) / HOUR_SECONDS;
    const last = (r.periodEnd - from) / HOUR_SECONDS;
    let hoursWithData = 0;
    for (let k = first; k < last; k++) if (covered[k] === true) hoursWithData++;
    return { ...r, coverage: { hours: last - first, hoursWithData } };
  });
}

/** The stderr lines naming the spans without data and what the report does with them. */
function missingDataNotice(missing: readonly { from: number; to: number }[], json: boolean): string {
  const lines = missing.map((m) => {
    const hours = (m.to - m.from) / HOUR_SECONDS;
    return `energy-ledger report: no Kepler data in Prometheus from ${formatRfc3339Utc(m.from)} to ${formatRfc3339Utc(m.to)} (${hours} ${hours === 1 ? 'hour' : 'hours'})\n`;
  });
  const handling = json
    ? 'energy-ledger report: periods without any data have energy_wh null; every row gives its hours and hours_with_data\n'
    : 'energy-ledger report: periods without any data are left out; a period with some data counts only its hours with data\n';
  return lines.join('') + handling;
}

/** The CLI checks what the user typed (see `cli/report.ts`); this catches other callers and `--period` in a zone off whole UTC hours. */
function checkRequest(request: ReportRequest): void {
  if (request.stepSeconds % HOUR_SECONDS !== 0) throw new ReportRequestError(`--step: must be a whole number of hours (the ledger keeps hourly totals), got ${request.stepSeconds}s`);
  for (const [edge, t] of [['starts', request.from], ['ends', request.to]] as const) {
    if (t % HOUR_SECONDS !== 0) throw new ReportRequestError(`the report period ${edge} at ${formatRfc3339Utc(t)}, not on a whole UTC hour (the ledger keeps UTC hours)`);
  }
}
