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
  groups.forEach((g, i) => {
    if (g.labels.length !== labelNames.length) {
      throw new ExpositionError(
        `failed to render group ${i}: it has ${g.labels.length} label values for label names [${labelNames.join(', ')}]`,
      );
    }
  });
  const sep = labelNames.length > 0 ? ',' : '';
  const out = new Chunks(parts);
  if (counters) {
    out.add(familyHeader(joules));
    for (const g of groups) {
      if (Number.isNaN(g.totalJoules)) continue; // a group without a counter (`__unattributed__`)
      const labels = sep === '' ? '' : `{${formatLabelPairs(labelNames, g.labels)}}`;
      out.add(`${joules.name}${labels} ${formatValue(g.totalJoules)}\n`);
    }
  }
  // The label pairs of a key, with the separator before them, made once per key.
  const keyPairs = (label: string): ((key: string) => string) => {
    const made = new Map<string, string>();
    return (key) => {
      let pairs = made.get(key);
      if (pairs === undefined) made.set(key, (pairs = `${sep}${formatLabelPairs([label], [key])}}`));
      return pairs;
    };
  };
  for (const [spec, label, values] of [
    [window, LABEL_WINDOW, (g: GroupEnergy) => g.windows],
    [period, LABEL_PERIOD, (g: GroupEnergy) => g.periods],
  ] as const) {
    out.add(familyHeader(spec));
    const pairsOf = keyPairs(label);
    const head = `${spec.name}{`;
    for (const g of groups) {
      const prefix = head + formatLabelPairs(labelNames, g.labels);
      const record = values(g);
      for (const key of Object.keys(record)) out.add(`${prefix}${pairsOf(key)} ${formatValue(record[key]!)}\n`);
    }
  }
  out.flush();
}

/**
 * Collects lines into flat chunks of about 64 KiB appended to `parts`: a line is garbage as soon as its
 * chunk is flattened, so rendering 100,000s of groups holds the text about twice (chunks, then the
 * joined body), not a million small strings until the final join.
 */
class Chunks {
  private chunk = '';
  constructor(private readonly parts: string[]) {}

  add(text: string): void {
    this.chunk += text;
    if (this.chunk.length >= 65_536) this.flush();
  }

  flush(): void {
    if (this.chunk === '') return;
    // A regular-expression test reads the string flat: V8 flattens the concatenation in place.
    FLATTEN.test(this.chunk);
    this.parts.push(this.chunk);
    this.chunk = '';
  }
}

const FLATTEN = /^$/;

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
