/** Kepler simulator: a deterministic simulated cluster, its `/metrics`, what Prometheus stores, and the ground truth. */
export { generateScenario, type ScenarioOptions } from './generate-scenario.js';
export {
  defaultTickSeconds,
  isExportedPod,
  type ComponentWatts,
  type KeplerRestart,
  type PowerProfile,
  type Scenario,
  type ScrapeGap,
  type SimComponent,
  type SimNode,
  type SimPod,
} from './scenario.js';
export { podEnergy, podPower } from './energy.js';
export { renderExposition, type ExpositionOptions } from './exposition.js';
export { familySpecs } from './catalog.js';
export type { FamilySpec, Labels, Sample } from './families.js';
export { collectStored, simulatedSamples, storedLabels, targetLabels, type StoredSeries } from './stored.js';
export { openMetricsChunks, writeOpenMetrics, type OpenMetricsOptions, type OpenMetricsSummary } from './openmetrics.js';
export { SimulatedPrometheus, type SimulatedPrometheusOptions } from './simulated-prometheus.js';
export { compileMatchers, parseSeriesSelector } from './matchers.js';
export { startSimulatorServer, simulatorScrapeConfig, SimulatorServerError, type SimulatorServer, type SimulatorServerOptions } from './server.js';
export { truth, type Truth, type TruthOptions, type TruthRow } from './truth.js';
