/**
 * Renders the ledger-derived families of `/metrics` straight to text from one immutable snapshot.
 * Rendering is pure and happens once per snapshot (see `createMetricsRegistry`), so a scrape of
 * thousands of namespaces costs a string concatenation, not a prom-client walk.
 */
import type { GroupEnergy, LedgerSnapshot } from '../core/types.js';
import { LABEL_CAUSE, LABEL_PERIOD, LABEL_REASON, LABEL_WINDOW, METRICS, REJECT_REASONS, RESET_CAUSE_LABELS, type ExposedMetric } from './names.js';
import { familyHeader, formatLabelPairs, formatValue, isValidLabelName } from './text-format.js';

/** Thrown when a snapshot cannot be rendered (a programming or configuration error, never data). */
export class ExpositionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExpositionError';
  }
}

/** Label names the exposition was configured with; a snapshot that disagrees is refused. */
export interface LedgerTextOptions {
  readonly namespaceLabels?: readonly string[];
  readonly nodeLabels?: readonly string[];
  /** Renders the two `…_energy_joules_total` counter families (default true); false leaves them out, HELP and TYPE too. */
  readonly counters?: boolean;
}

/** Renders every ledger-derived family of `snapshot` as Prometheus text 0.0.4, ending with a line feed. */
export function renderLedgerText(snapshot: LedgerSnapshot, options: LedgerTextOptions = {}): string {
  checkLabelNames('namespace', snapshot.namespaceLabels, options.namespaceLabels);
  checkLabelNames('node', snapshot.nodeLabels, options.nodeLabels);
  const parts: string[] = [];
  const counters = options.counters ?? true;
  renderScope(parts, snapshot.namespaceLabels, snapshot.namespaces, counters, [
    METRICS.namespaceJoules,
    METRICS.namespaceWindow,
    METRICS.namespacePeriod,
  ]);
  renderScope(parts, snapshot.nodeLabels, snapshot.nodes, counters, [METRICS.nodeJoules, METRICS.nodeWindow, METRICS.nodePeriod]);
  const { stats } = snapshot;
  parts.push(familyHeader(METRICS.samples), `${METRICS.samples.name} ${formatValue(stats.samples)}\n`);
  parts.push(familyHeader(METRICS.samplesRejected));
  for (const reason of REJECT_REASONS) {
    parts.push(`${METRICS.samplesRejected.name}{${LABEL_REASON}="${reason}"} ${formatValue(stats.rejected[reason] ?? 0)}\n`);
  }
  parts.push(familyHeader(METRICS.counterResets));
  for (const cause of RESET_CAUSE_LABELS) {
    parts.push(`${METRICS.counterResets.name}{${LABEL_CAUSE}="${cause}"} ${formatValue(stats.resetsByCause?.[cause] ?? 0)}\n`);
  }
  parts.push(familyHeader(METRICS.series), `${METRICS.series.name} ${formatValue(stats.series)}\n`);
  if (snapshot.coverage !== undefined) {
    parts.push(familyHeader(METRICS.periodCoverage));
    for (const [period, start] of Object.entries(snapshot.coverage)) {
      parts.push(`${METRICS.periodCoverage.name}{${formatLabelPairs([LABEL_PERIOD], [period])}} ${formatValue(start)}\n`);
    }
  }
  parts.push(
    familyHeader(METRICS.dataWatermark),
    `${METRICS.dataWatermark.name} ${formatValue(snapshot.watermark ?? 0)}\n`,
  );
  return parts.join('');
}

function renderScope(
  parts: string[],
  labelNames: readonly string[],
  groups: readonly GroupEnergy[],
  counters: boolean,
  [joules, window, period]: readonly [ExposedMetric, ExposedMetric, ExposedMetric],
): void {
  const prefixes = groups.map((g, i) => {
    if (g.labels.length !== labelNames.length) {
      throw new ExpositionError(
        `failed to render group ${i}: it has ${g.labels.length} label values for label names [${labelNames.join(', ')}]`,
      );
    }
    return formatLabelPairs(labelNames, g.labels);
  });
  const sep = labelNames.length > 0 ? ',' : '';
  if (counters) {
    parts.push(familyHeader(joules));
    groups.forEach((g, i) => {
      if (Number.isNaN(g.totalJoules)) return; // a group without a counter (`__unattributed__`)
      const labels = sep === '' ? '' : `{${prefixes[i]}}`;
      parts.push(`${joules.name}${labels} ${formatValue(g.totalJoules)}\n`);
    });
  }
  parts.push(familyHeader(window));
  groups.forEach((g, i) => {
    for (const key of Object.keys(g.windows)) {
      parts.push(`${window.name}{${prefixes[i]}${sep}${formatLabelPairs([LABEL_WINDOW], [key])}} ${formatValue(g.windows[key]!)}\n`);
    }
  });
  parts.push(familyHeader(period));
  groups.forEach((g, i) => {
    for (const key of Object.keys(g.periods)) {
      parts.push(`${period.name}{${prefixes[i]}${sep}${formatLabelPairs([LABEL_PERIOD], [key])}} ${formatValue(g.periods[key]!)}\n`);
    }
  });
}

function checkLabelNames(scope: string, actual: readonly string[], expected: readonly string[] | undefined): void {
  if (expected !== undefined && (expected.length !== actual.length || expected.some((n, i) => n !== actual[i]))) {
    throw new ExpositionError(
      `failed to render ${scope} metrics: snapshot labels [${actual.join(', ')}] differ from the configured [${expected.join(', ')}]`,
    );
  }
  for (const name of actual) {
    if (!isValidLabelName(name) || name === LABEL_WINDOW || name === LABEL_PERIOD) {
      throw new ExpositionError(`failed to render ${scope} metrics: invalid group label name ${JSON.stringify(name)}`);
    }
  }
}
