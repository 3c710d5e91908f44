import type { CommandContext } from '../cli/context.js';
import { packageVersion } from '../cli/version.js';
import { prometheusFromConfig } from './prometheus-from-config.js';
import { runService } from './run-service.js';

/** `energy-ledger serve`: the main job against a Prometheus-compatible API. */
export async function serve(context: CommandContext): Promise<void> {
  const { config, logger } = context;
  const { client, source } = prometheusFromConfig(config, logger);
  logger.info({ prometheus: client.displayUrl, interval: config.intervalSeconds, backfill: config.backfillSeconds }, 'starting');
  try {
    await runService({ config, logger, source, prometheus: client, version: packageVersion() }, context.signal);
  } finally {
    await client.close();
  }
}
