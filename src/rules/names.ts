/** Names of the generated groups, recordings and alerts. Recording names follow `level:metric:operations`. */
import { METRICS } from '../exposition/names.js';
import { dur, recordName } from './promql.js';

export const GROUPS = {
  recordings: 'energy-ledger.rules',
  alerts: 'energy-ledger.alerts',
  kepler: 'energy-ledger-kepler.rules',
} as const;

const NS_JOULES = METRICS.namespaceJoules.name;
const NODE_JOULES = METRICS.nodeJoules.name;
const NS_WH = METRICS.namespaceWindow.name;
const NS_PERIOD = METRICS.namespacePeriod.name;
/** Metric part of the Kepler recordings: energy in the configured scope, whatever the schema. */
const KEPLER_ENERGY = 'kepler_energy_joules';
const KEPLER_WH = 'kepler_energy_watt_hours';

/** Recordings over the service's series. */
export const SERVICE_RECORDS = {
  /** Namespace power, W: `rate5m` of the joules counter, de-duplicated across replicas. */
  namespacePower: recordName('namespace', NS_JOULES, 'rate5m'),
  /** Mean namespace power over a longer window, W (missing points count as 0). */
  namespacePowerOver: (seconds: number) => recordName('namespace', NS_JOULES, `rate${dur(seconds)}`),
  clusterPower: recordName('cluster', NS_JOULES, 'sum_rate5m'),
  nodePower: recordName('node', NODE_JOULES, 'rate5m'),
  namespaceHourWh: recordName('namespace', NS_WH, 'increase1h'),
  namespaceDayWh: recordName('namespace', NS_WH, 'increase1d'),
  clusterHourWh: recordName('cluster', NS_WH, 'sum_increase1h'),
  clusterDayWh: recordName('cluster', NS_WH, 'sum_increase1d'),
  /** The service's exact clock-aligned periods, de-duplicated across replicas. */
  namespacePeriodWh: recordName('namespace', NS_PERIOD, 'max'),
} as const;

/** Recordings straight over Kepler's counters (clusters without the service). */
export const KEPLER_RECORDS = {
  componentPower: recordName('namespace_component', KEPLER_ENERGY, 'rate5m'),
  namespacePower: recordName('namespace', KEPLER_ENERGY, 'rate5m'),
  namespacePowerOver: (seconds: number) => recordName('namespace', KEPLER_ENERGY, `rate${dur(seconds)}`),
  clusterPower: recordName('cluster', KEPLER_ENERGY, 'sum_rate5m'),
  namespaceHourWh: recordName('namespace', KEPLER_WH, 'increase1h'),
  namespaceDayWh: recordName('namespace', KEPLER_WH, 'increase1d'),
} as const;

/** Alert names: CamelCase with a shared prefix. */
export const ALERTS = {
  hourlyEnergyHigh: 'EnergyLedgerNamespaceHourlyEnergyHigh',
  budgetBurnFast: 'EnergyLedgerNamespaceBudgetBurnFast',
  budgetBurnSlow: 'EnergyLedgerNamespaceBudgetBurnSlow',
  down: 'EnergyLedgerDown',
  absent: 'EnergyLedgerAbsent',
  pollsFailing: 'EnergyLedgerPollsFailing',
  watermarkLagging: 'EnergyLedgerWatermarkLagging',
  keplerAbsent: 'EnergyLedgerKeplerAbsent',
  namespaceOverflow: 'EnergyLedgerNamespaceOverflow',
  metricsTooLarge: 'EnergyLedgerMetricsTooLarge',
  carbonIntensityFailing: 'EnergyLedgerCarbonIntensityFailing',
} as const;

/** Label the Kepler component recordings carry, so two schemas during an upgrade never collide. */
export const LABEL_KEPLER_SCHEMA = 'kepler_schema';
export const LABEL_COMPONENT = 'component';

/** The anchor of an alert's section in docs/runbooks.md (GitHub lowercases headings). */
export const runbookAnchor = (alert: string): string => alert.toLowerCase();
