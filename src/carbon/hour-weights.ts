/**
 * Carbon and cost as per-hour weights of the ledger's watt-hours (`HourWeight`): a constant or a
 * 24-value schedule over the local hours of the configured time zone.
 */
import { zoneOffsetSeconds } from '../calendar/zone.js';
import type { HourWeight } from '../core/ledger/index.js';
import type { CarbonConfig, CostConfig } from '../config/index.js';

/** Weight names, as keys of `GroupEnergy.weighted`. */
export const CARBON_GRAMS = 'carbon_grams';
export const COST = 'cost';

/** Local hour (0–23) at the midpoint of the UTC clock hour starting at `hourStart` (half-hour zones pick the later local hour). */
export function localHourOf(zone: string, hourStart: number): number {
  const mid = hourStart + 1800;
  const local = Math.floor((mid + zoneOffsetSeconds(zone, mid)) / 3600);
  return ((local % 24) + 24) % 24;
}

/** A weight of `perKwh` (a constant or 24 local-hour values) times `factor`, per watt-hour. */
export function scheduleWeight(name: string, perKwh: number | readonly number[], factor: number, zone: string): HourWeight {
  if (typeof perKwh === 'number') {
    const w = (perKwh * factor) / 1000;
    return { name, perWattHour: () => w, perWattHourOfDay: () => w };
  }
  const perWh = perKwh.map((v) => (v * factor) / 1000);
  const mean = perWh.reduce((a, b) => a + b, 0) / perWh.length;
  const cache = new Map<number, number>();
  return {
    name,
    perWattHour(hourStart: number): number {
      let w = cache.get(hourStart);
      if (w === undefined) {
        if (cache.size > 5000) cache.clear();
        w = perWh[localHourOf(zone, hourStart)] as number;
        cache.set(hourStart, w);
      }
      return w;
    },
    // Hours past the 48 h retention are only known as day totals: weighted by the schedule's mean.
    perWattHourOfDay: () => mean,
  };
}

/** The weights the config asks for: carbon (g CO2e, intensity × PUE) and cost (price per kWh). */
export function configuredWeights(
  config: { readonly carbon?: CarbonConfig; readonly cost?: CostConfig; readonly timezone: string },
  /** Intensities read from Prometheus, when `carbon.intensity_selector` or `carbon.intensity_query` is set. */
  read?: { weight(name: string, pue: number): HourWeight },
): HourWeight[] {
  const out: HourWeight[] = [];
  const { carbon, cost, timezone } = config;
  const intensity = carbon?.intensityGPerKwh ?? carbon?.scheduleGPerKwh;
  if (intensity !== undefined) out.push(scheduleWeight(CARBON_GRAMS, intensity, carbon?.pue ?? 1, timezone));
  else if ((carbon?.intensitySelector ?? carbon?.intensityQuery) !== undefined && read !== undefined) out.push(read.weight(CARBON_GRAMS, carbon?.pue ?? 1));
  const price = cost?.pricePerKwh ?? cost?.schedulePerKwh;
  if (price !== undefined) out.push(scheduleWeight(COST, price, 1, timezone));
  return out;
}
