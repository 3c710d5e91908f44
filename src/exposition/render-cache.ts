/**
 * Reuses a prom-client registry's rendering until something in it changes.
 *
 * Staleness cannot come from a forgotten call site: the cache wraps, once, every mutating method of every
 * metric in the registry (and of every metric registered later) — `set`, `inc`, `dec`, `setToCurrentTime`,
 * `observe`, `reset`, `remove`, `zero`, `startTimer` and the timer's end function, and every method of the
 * child `labels(...)` returns — plus the registry's own `registerMetric`, `removeSingleMetric`, `clear`,
 * `resetMetrics`, `setDefaultLabels` and `setContentType`. Each call bumps a version; a rendering is
 * tagged with the version current when it started, so a change made while it is under way (prom-client
 * renders across microtasks) makes the next call render again.
 * Metrics whose value changes without a call (a `collect` callback, a `Summary`'s sliding window, any
 * class other than Counter, Gauge and Histogram) make every call render afresh.
 */
import { Counter, Gauge, Histogram, type Metric, type Registry } from 'prom-client';

const METRIC_MUTATORS = ['set', 'inc', 'dec', 'setToCurrentTime', 'observe', 'reset', 'remove', 'zero', 'startTimer', 'labels'];
const REGISTRY_MUTATORS = ['registerMetric', 'removeSingleMetric', 'clear', 'resetMetrics', 'setDefaultLabels', 'setContentType'];

type AnyFunction = (...args: unknown[]) => unknown;

/** A registry's text exposition, rendered again only after a change. */
export interface RenderCache {
  /** The exposition text, shared with every call until something changes. */
  text(): Promise<string>;
  /** The same text as UTF-8 bytes, encoded once per rendering. */
  bytes(): Promise<Buffer>;
}

/** Wraps `registry` and its metrics (see the file header) and returns the cached rendering. */
export function createRenderCache(registry: Registry): RenderCache {
  let version = 0;
  const changed = (): void => {
    version += 1;
  };
  for (const metric of registry.getMetricsAsArray()) trackMethods(metric, METRIC_MUTATORS, changed);
  const register = registry.registerMetric.bind(registry);
  (registry as unknown as Record<string, unknown>)['registerMetric'] = (metric: Metric) => {
    register(metric);
    trackMethods(metric, METRIC_MUTATORS, changed);
  };
  trackMethods(registry, REGISTRY_MUTATORS, changed);

  let cached: { version: number; text: Promise<string>; bytes?: Promise<Buffer> } | undefined;
  const entry = () => {
    if (!registry.getMetricsAsArray().every(isCallDriven)) return { version, text: registry.metrics() };
    if (cached?.version !== version) {
      const fresh: { version: number; text: Promise<string>; bytes?: Promise<Buffer> } = { version, text: registry.metrics() };
      fresh.text.catch(() => {
        if (cached === fresh) cached = undefined;
      });
      cached = fresh;
    }
    return cached;
  };
  return {
    text: () => entry().text,
    bytes() {
      const e = entry();
      e.bytes ??= e.text.then((t) => Buffer.from(t, 'utf8'));
      return e.bytes;
    },
  };
}

/** Whether the metric's output changes only through calls the cache sees. */
function isCallDriven(metric: unknown): boolean {
  const known = metric instanceof Counter || metric instanceof Gauge || metric instanceof Histogram;
  return known && (metric as unknown as { collect?: unknown }).collect === undefined;
}

/** Replaces each named method of `target` with one that calls it and then `changed`. */
function trackMethods(target: object, names: readonly string[], changed: () => void): void {
  const record = target as Record<string, unknown>;
  for (const name of names) {
    const original = record[name];
    if (typeof original === 'function') record[name] = tracked((original as AnyFunction).bind(target), changed);
  }
}

function tracked(fn: AnyFunction, changed: () => void): AnyFunction {
  return (...args) => {
    try {
      return trackResult(fn(...args), changed);
    } finally {
      changed();
    }
  };
}

/** A timer's end function and the methods of a `labels(...)` child mutate too. */
function trackResult(result: unknown, changed: () => void): unknown {
  if (typeof result === 'function') return tracked(result as AnyFunction, changed);
  if (result !== null && typeof result === 'object' && !Array.isArray(result)) {
    trackMethods(result, Object.keys(result), changed);
  }
  return result;
}
