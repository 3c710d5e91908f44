import type { CommandContext } from '../cli/commands.js';
import { packageVersion } from '../cli/version.js';
import { PrometheusClient } from '../prometheus/client.js';
import { PrometheusSource } from '../prometheus/source.js';
import { runService } from './run-service.js';

/** `energy-ledger serve`: the main job against a Prometheus-compatible API. */
export async function serve(context: CommandContext): Promise<void> {
  const { config, logger } = context;
  const client = new PrometheusClient({
    ...config.prometheus,
    onWarning: (warning, expr) => logger.warn({ warning, expr }, 'Prometheus returned a warning'),
  });
  const source = new PrometheusSource(client, {
    maxRangeSeconds: config.prometheus.maxRangeSeconds,
    selector: config.prometheus.selector,
  });
  logger.info({ prometheus: client.displayUrl, interval: config.intervalSeconds, backfill: config.backfillSeconds }, 'starting');
  await runService({ config, logger, source, version: packageVersion() }, context.signal);
}
