/**
 * Child process of `simulated-prometheus-process.ts`: serves the {@link clusterScenario} of
 * `[argv[2], argv[3]]` (unix seconds) through the simulated Prometheus API and sends its URL to the parent.
 * Stationary shifts of the simulator's first hours (`periodic-source.ts`), checked against it once a
 * day; `SIM_PERIODIC=0`: every sample computed by the simulator.
 */
import { SimulatedPrometheus } from '../src/sim/index.js';
import { clusterScenario } from './cluster-scenario.js';
import { PeriodicSource } from './periodic-source.js';
import { startSimulatedApi } from './simulated-prometheus-api.js';

const [start, end] = process.argv.slice(2).map(Number);
if (!Number.isFinite(start) || !Number.isFinite(end)) throw new Error(`usage: simulated-prometheus-main.ts <start> <end>, got ${process.argv.slice(2).join(' ')}`);
// Reads move forward: a few hours per metric are enough (the default keeps 512, gigabytes at 10k series).
const simulated = new SimulatedPrometheus(clusterScenario(start!, end!), { maxCachedChunks: 32 });
// The simulator computes ~0.5M samples/s here: a month (893M) would take it most of an hour of CPU.
const source = process.env.SIM_PERIODIC === '0' ? simulated : new PeriodicSource(simulated, { base: start! + 3600, periodSeconds: 3600, checkEvery: 24 });
const api = await startSimulatedApi(source);
process.send?.({ url: api.url });
process.once('disconnect', () => void api.close().then(() => process.exit(0)));
