/** `energy-ledger demo`: `serve` on the embedded simulated cluster. */
import { COMMON_OPTIONS, configCommand, implementation } from './common.js';
import { DEMO_USAGE } from './usage.js';

/** Runs `demo`; resolves to the exit code once it has stopped. */
export const run = configCommand({
  name: 'demo',
  options: { ...COMMON_OPTIONS, listen: { type: 'string' } },
  usage: DEMO_USAGE,
  run: async (_values, context, implementations) => (await implementation(implementations.demo))(context),
});
