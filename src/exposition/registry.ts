/**
 * The `/metrics` registry: an own prom-client `Registry` (never the global one) holding the service
 * metrics and, optionally, process and Node.js runtime metrics, plus the ledger families rendered
 * straight to text once per snapshot and cached by snapshot identity (snapshots are immutable).
 * The service metrics are rendered again only after one of them changed (`render-cache.ts`, keyed by
 * `ServiceMetrics.revision`, which every update method of that class moves: it is their only writer); a
 * scrape in between writes three cached buffers. At 100 namespaces this render was ~65 µs of the ~104 µs
 * CPU per scrape.
 *
 * Measured (5,000 namespaces × 3 windows × 2 periods, 3 MB): rendering the ledger text takes ~25 ms once per
 * snapshot, where prom-client `collect()` with reset()+set() took 120–270 ms per scrape. Serve
 * `metricsChunks()`: the cached chunk is written as is; `metrics()` re-encodes 3 MB per call (~8 ms).
 * Process and runtime metrics cost ~0.9 ms per render (event-loop lag waits a turn, /proc reads), 20×
 * the service metrics: they are rendered at most once per `processMetricsMaxAgeMs` and shared by the
 * scrapes in between (bench/RESULTS.md, scrape latency); the service metrics are always current.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { LedgerSnapshot } from '../core/types.js';
import { renderLedgerText } from './ledger-text.js';
import { renderWeightedText } from './weighted-text.js';
import { renderBudgetText } from './budget-text.js';
import type { NamespaceBudget } from '../config/index.js';
import { ServiceMetrics } from './service-metrics.js';
import { PROMETHEUS_CONTENT_TYPE } from './text-format.js';
import { createRenderCache } from './render-cache.js';
import { byteLength, countSamples } from './body-size.js';
import { withConstantLabels } from './constant-labels.js';
import { gzipMember, gzipPrefix, type GzipPrefix } from './gzip-member.js';

/** prom-client default gauges named `…_total`, which promtool flags; `sum()` of their per-type twins gives them. */
const LINTED_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export interface MetricsRegistryOptions {
  /** The current immutable ledger snapshot. */
  readonly snapshot: () => LedgerSnapshot;
  /** energy-ledger version, for `energy_ledger_build_info`. */
  readonly version: string;
  /** Service metrics the poller updates; created when absent. */
  readonly service?: ServiceMetrics;
  /** Adds `process_*` and `nodejs_*` metrics (default true). */
  readonly includeProcessMetrics?: boolean;
  /** Configured namespace group labels; a snapshot with other labels makes `metrics()` throw. */
  readonly namespaceLabels?: readonly string[];
  /** Configured node group labels; a snapshot with other labels makes `metrics()` throw. */
  readonly nodeLabels?: readonly string[];
  /** How long a rendering of the process metrics is reused, ms (default 1000; 0 renders every scrape). */
  readonly processMetricsMaxAgeMs?: number;
  /** Clock for that reuse, ms; injectable for tests. */
  readonly now?: () => number;
  /** ISO 4217 code on `energy_ledger_namespace_cost` (config `cost.currency`). */
  readonly currency?: string;
  /** Per-namespace budgets (config `budgets`), exposed as `energy_ledger_namespace_budget_watt_hours`. */
  readonly budgets?: Readonly<Record<string, NamespaceBudget>>;
  /**
   * Leaves the `…_energy_joules_total` counter families out (HELP and TYPE too) until `service.backfillComplete`
   * (default false): during the start-up backfill they would climb by a day of energy within seconds, a spike
   * in `rate()`; appearing only once complete, they are new series, which `rate()` takes without one.
   */
  readonly holdBackCountersUntilBackfill?: boolean;
  /** Labels added to every exposed series, rendered without braces (e.g. `shard="1"` with `--shard 1/4`); none by default. */
  readonly constantLabels?: string;
}

export interface MetricsRegistry {
  /** Holds the service (and process) metrics; the ledger part is not registered in it. Its own `metrics()` never reuses a rendering. */
  readonly registry: Registry;
  readonly service: ServiceMetrics;
  /** `text/plain; version=0.0.4; charset=utf-8`. */
  readonly contentType: string;
  /** The whole exposition as one string. */
  metrics(): Promise<string>;
  /** The whole exposition as byte chunks to write in order; the large first chunk is cached per snapshot. */
  metricsChunks(): Promise<Buffer[]>;
  /**
   * The same exposition as one gzip member in chunks (`gzip-member.ts`): the ledger part is compressed once per
   * snapshot, off the event loop, and cached; the small service and process part is compressed per call.
   */
  metricsGzipChunks(): Promise<Buffer[]>;
}

/** Builds the `/metrics` registry over a snapshot accessor. */
export function createMetricsRegistry(options: MetricsRegistryOptions): MetricsRegistry {
  const serviceRegistry = new Registry();
  const service = options.service ?? new ServiceMetrics(options.version);
  service.registerIn(serviceRegistry);
  const includeProcess = options.includeProcessMetrics ?? true;
  const processRegistry = new Registry();
  if (includeProcess) {
    collectDefaultMetrics({ register: processRegistry });
    for (const name of LINTED_DEFAULT_METRICS) processRegistry.removeSingleMetric(name);
  }
  const registry = includeProcess ? Registry.merge([serviceRegistry, processRegistry]) : serviceRegistry;
  const maxAgeMs = options.processMetricsMaxAgeMs ?? 1000;
  const now = options.now ?? Date.now;
  const serviceRender = createRenderCache({
    render: () => serviceRegistry.metrics(),
    stamp: () => service.revision,
    isCurrent: (renderedAt, revision) => renderedAt === revision,
  });
  const processRender = includeProcess
    ? createRenderCache({ render: () => processRegistry.metrics(), stamp: now, isCurrent: (renderedAt, t) => t - renderedAt < maxAgeMs })
    : undefined;
  const textOptions = { namespaceLabels: options.namespaceLabels, nodeLabels: options.nodeLabels };
  const budgetText = renderBudgetText(options.budgets);
  const holdBack = options.holdBackCountersUntilBackfill ?? false;
  const constant = options.constantLabels ?? '';
  const labelled = (text: string): string => withConstantLabels(text, constant);
  let cached: { snapshot: LedgerSnapshot; counters: boolean; text: string; bytes?: Buffer; gzip?: Promise<GzipPrefix> } | undefined;

  /** The ledger part, rendered once per (snapshot, whether the counters are shown). */
  const ledgerPart = () => {
    const snapshot = options.snapshot();
    const counters = !holdBack || service.backfillComplete;
    if (cached?.snapshot !== snapshot || cached.counters !== counters) {
      const ledgerText = renderLedgerText(snapshot, { ...textOptions, counters });
      const text = withConstantLabels(ledgerText + renderWeightedText(snapshot, options.currency) + budgetText, constant);
      cached = { snapshot, counters, text };
      // Sized before the service part renders, so the body that carries the figures is the one they describe.
      service.setMetricsSize(countSamples(text), byteLength(text));
    }
    return cached;
  };

  /** The service and process parts as bytes, with the constant labels (e.g. `shard`) when configured. */
  const dynamicChunks = async (): Promise<Buffer[]> => {
    const parts = processRender === undefined ? [serviceRender] : [serviceRender, processRender];
    const dynamic = await Promise.all(parts.map((part) => part.bytes()));
    return constant === '' ? dynamic : dynamic.map((b) => Buffer.from(labelled(b.toString('utf8')), 'utf8'));
  };

  return {
    registry,
    service,
    contentType: PROMETHEUS_CONTENT_TYPE,
    async metrics() {
      const part = ledgerPart();
      const [serviceText, processText] = await Promise.all([serviceRender.text(), processRender?.text() ?? '']);
      return part.text + labelled(serviceText) + labelled(processText);
    },
    async metricsChunks() {
      const part = ledgerPart();
      part.bytes ??= Buffer.from(part.text, 'utf8');
      return [part.bytes, ...(await dynamicChunks())];
    },
    async metricsGzipChunks() {
      const part = ledgerPart();
      part.gzip ??= gzipPrefix((part.bytes ??= Buffer.from(part.text, 'utf8')));
      const [ledger, dynamic] = await Promise.all([part.gzip, dynamicChunks()]);
      return gzipMember(ledger, Buffer.concat(dynamic));
    },
  };
}
