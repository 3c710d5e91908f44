/** Configuration: schema, defaults, layered loading (defaults < file < environment < flags), errors. */
export { DEFAULT_RULES, DEFAULTS } from './schema.js';
export { loadConfig, type ConfigInputs } from './load.js';
export { loadConfigFile } from './load-file.js';
export { ConfigError, formatProblem, type ConfigProblem, type ProblemSource } from './problem.js';
export { CONFIG_FILE_ENV, CONFIG_FLAGS, ENV_VARIABLES, type ConfigFlagName, type ConfigFlags, type EnvVariable } from './overrides.js';
export { REDACTED, redactConfig, summarizeConfig } from './redact.js';
export type {
  BurnRateWindow,
  CarbonConfig,
  Config,
  CostConfig,
  ListenAddress,
  LogLevel,
  NamespaceBudget,
  RulesConfig,
  WindowSpec,
} from './schema.js';
