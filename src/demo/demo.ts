import type { CommandContext } from '../cli/context.js';
import { packageVersion } from '../cli/version.js';
import { HOUR_SECONDS, hourStart } from '../core/time.js';
import { runService } from '../service/run-service.js';
import { generateScenario } from '../sim/index.js';
import { SimulatedPrometheus } from '../sim/simulated-prometheus.js';

/** How long the demo cluster keeps running after start. */
const DEMO_FUTURE_SECONDS = 2 * 86_400;

/**
 * `energy-ledger demo`: `serve` on an embedded simulated cluster (Kepler v0.10+, 3 nodes, a dozen
 * namespaces, pod churn, a Kepler restart in the last hour) read through an in-memory stand-in
 * for Prometheus, so a newcomer sees live numbers with nothing else installed.
 */
export async function demo(context: CommandContext): Promise<void> {
  const { config, logger } = context;
  const now = (): number => Date.now() / 1000;
  const start = hourStart(now() - config.backfillSeconds) - HOUR_SECONDS;
  const scenario = generateScenario({
    seed: 2022,
    start,
    durationSeconds: now() - start + DEMO_FUTURE_SECONDS,
    schema: config.kepler.schema === 'auto' ? 'v0.10+' : config.kepler.schema,
    nodes: 3,
    namespaces: 12,
    churn: 6,
    restarts: [{ node: 'worker-2', time: Math.floor(now()) - 1800 }],
  });
  const source = new SimulatedPrometheus(scenario, { now });
  logger.info({ nodes: scenario.nodes.length, namespaces: scenario.namespaces.length, schema: scenario.schema }, 'demo: simulated cluster ready');
  await runService(
    {
      config,
      logger,
      source,
      version: packageVersion(),
      now,
      onListening: ({ url }) => context.io.stderr(`energy-ledger demo: serving a simulated cluster on ${url}/metrics (Ctrl-C to stop)\n`),
    },
    context.signal,
  );
}
