import type { Component } from '../types.js';

/** What a Kepler v0.10+ zone counts as: an energy component, or nothing (`ignore`). */
export type ZoneTarget = Component | 'ignore';

/**
 * The zones every map starts from. RAPL's zones nest: `core` and `uncore` lie inside `package`, and
 * `psys` covers the whole platform, so only `package` and `dram` count and nothing is counted twice.
 */
export const DEFAULT_ZONES: Readonly<Record<string, ZoneTarget>> = Object.freeze({
  package: 'package',
  dram: 'dram',
  core: 'ignore',
  uncore: 'ignore',
  psys: 'ignore',
});

/** `kepler.zones` merged over {@link DEFAULT_ZONES} (a user entry wins). */
export function resolveZones(user: Readonly<Record<string, ZoneTarget>> | undefined): Readonly<Record<string, ZoneTarget>> {
  return Object.freeze({ ...DEFAULT_ZONES, ...user });
}

/**
 * Why a series was read but deliberately not accounted: `unknown_zone` for a zone no map entry names
 * (e.g. hwmon's `cpu_power`), `ignored_zone` for one mapped to `ignore` or to a component not selected.
 */
export type IgnoreReason = 'unknown_zone' | 'ignored_zone';

/** The config line that maps `zone` to the CPU package, for messages about an unknown zone. */
export function zoneHint(zone: string): string {
  const key = /^[A-Za-z0-9_.-]+$/.test(zone) ? zone : JSON.stringify(zone);
  return `kepler.zones: {${key}: package}`;
}
