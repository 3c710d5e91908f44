/**
 * Carbon and cost of a report: the weights the service builds (`configuredWeights`), with the grid
 * intensities of `carbon.intensity_selector` or `carbon.intensity_query` read from the same Prometheus
 * for the report's hours, and the day before them (the fallback of leading hours without samples).
 */
import { CARBON_GRAMS, configuredWeights } from '../carbon/hour-weights.js';
import type { IntensityReader } from '../carbon/hourly-intensity.js';
import { QueryIntensity, type MatrixQuery } from '../carbon/query-intensity.js';
import { SelectorIntensity } from '../carbon/selector-intensity.js';
import type { Config } from '../config/index.js';
import { HOUR_SECONDS, type HourWeight } from '../core/ledger/index.js';
import type { Logger } from '../log.js';
import type { SampleSource } from '../read/sample-source.js';
import type { WeightedColumns } from './format.js';

/** Hours read before the report's first hour, so that its first hours without samples take the last value before it. */
const INTENSITY_LOOKBACK_SECONDS = 24 * HOUR_SECONDS;
/** Longest range of one `intensity_query` subquery (a month of 1-minute steps in one query would be ~44,000 evaluations). */
const QUERY_CHUNK_SECONDS = 24 * HOUR_SECONDS;

/** A failed read of the grid carbon intensity for a report. */
class IntensityReadError extends Error {
  override readonly name = 'IntensityReadError';
}

/** What {@link reportWeights} needs. */
export interface ReportWeightsDeps {
  readonly config: Config;
  readonly source: SampleSource;
  /** Evaluates `carbon.intensity_query` (the Prometheus client). */
  readonly prometheus?: MatrixQuery;
  readonly logger: Logger;
  /** The report's `[from, to)`, whole hours, unix seconds. */
  readonly from: number;
  readonly to: number;
  /** Wall clock, unix seconds: nothing is read beyond it. */
  readonly now: number;
  readonly signal?: AbortSignal;
}

/** The weights of a report and the columns they add. */
export interface ReportWeights {
  readonly weights: HourWeight[];
  readonly columns: WeightedColumns;
}

/**
 * Builds the configured carbon and cost weights, reading intensities first when they come from
 * Prometheus. When no intensity sample exists in the hours read, carbon is NaN (an empty cell, JSON
 * null) and a warning is logged. Throws {@link IntensityReadError} when a read fails.
 */
export async function reportWeights(deps: ReportWeightsDeps): Promise<ReportWeights> {
  const { config, logger } = deps;
  const intensity = await readIntensity(deps);
  const weights = configuredWeights(config, intensity).map(memoized);
  const carbon = weights.find((w) => w.name === CARBON_GRAMS);
  if (intensity !== undefined && carbon !== undefined && Number.isNaN(carbon.perWattHour(deps.from))) {
    const { intensitySelector: selector, intensityQuery: query } = config.carbon ?? {};
    logger.warn({ ...(selector !== undefined ? { selector } : { query }), from: deps.from - INTENSITY_LOOKBACK_SECONDS, to: deps.to }, 'no grid carbon intensity in the report\'s hours: carbon_grams is left empty');
  }
  return {
    weights,
    columns: {
      ...(carbon !== undefined && { carbon: true }),
      ...(config.cost !== undefined && { cost: config.cost.currency === undefined ? {} : { currency: config.cost.currency } }),
    },
  };
}

/** `weight` with each hour's factor computed once (an intensity hour without samples searches the known hours; a report asks once per group). */
function memoized(weight: HourWeight): HourWeight {
  const perHour = new Map<number, number>();
  return {
    name: weight.name,
    perWattHour(hourStart: number): number {
      let w = perHour.get(hourStart);
      if (w === undefined) perHour.set(hourStart, (w = weight.perWattHour(hourStart)));
      return w;
    },
    perWattHourOfDay: (day) => weight.perWattHourOfDay(day),
  };
}

async function readIntensity({ config, source, prometheus, from, to, now, signal }: ReportWeightsDeps): Promise<IntensityReader | undefined> {
  const { intensitySelector: selector, intensityQuery: query, queryStepSeconds } = config.carbon ?? {};
  if (selector === undefined && query === undefined) return undefined;
  const start = from - INTENSITY_LOOKBACK_SECONDS;
  const end = Math.min(to, now);
  // refresh(t, hours) reads (hour start of t − hours, t]: `hours` reaching back to `start`.
  const hoursTo = (t: number): number => (Math.floor(t / HOUR_SECONDS) * HOUR_SECONDS - start) / HOUR_SECONDS;
  let reader: IntensityReader;
  const what = selector !== undefined ? `selector ${selector}` : `query ${query}`;
  try {
    if (selector !== undefined) {
      reader = new SelectorIntensity(source, selector);
      if (end > start) await reader.refresh(end, hoursTo(end), signal);
    } else {
      if (prometheus === undefined) throw new Error('this source has no PromQL engine to evaluate carbon.intensity_query');
      reader = new QueryIntensity(prometheus, query as string, queryStepSeconds);
      // One subquery per chunk: each refresh after the first reads on from the hour before the previous one's end.
      for (let t = start; t < end; ) {
        t = Math.min(end, t + QUERY_CHUNK_SECONDS);
        await reader.refresh(t, hoursTo(t), signal);
      }
    }
  } catch (error) {
    throw new IntensityReadError(`failed to read the grid carbon intensity (${what}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return reader;
}
