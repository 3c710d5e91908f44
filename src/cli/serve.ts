/** `energy-ledger serve`: load the config, then hand over to the registered service. */
import { COMMON_OPTIONS, configCommand, implementation } from './common.js';
import { SERVE_USAGE } from './usage.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  'prometheus-url': { type: 'string' },
  listen: { type: 'string' },
  interval: { type: 'string' },
  backfill: { type: 'string' },
  shard: { type: 'string' },
} as const;

/** Runs `serve`; resolves to the exit code once the service has stopped. */
export const run = configCommand({
  name: 'serve',
  options: OPTIONS,
  usage: SERVE_USAGE,
  run: async (_values, context, implementations) => (await implementation(implementations.serve))(context),
});
