/** Configuration: schema, defaults, layered loading (defaults < file < environment < flags), errors. */
export { DEFAULTS } from './schema.js';
export { DEFAULT_RULES } from './to-config.js';
export { loadConfig, type ConfigInputs } from './load.js';
export { loadConfigFile } from './load-file.js';
export { ConfigError, formatProblem, type ConfigProblem, type ProblemSource } from './problem.js';
export { CONFIG_FILE_ENV, CONFIG_FLAGS, ENV_VARIABLES, type ConfigFlagName, type ConfigFlags, type EnvVariable } from './overrides.js';
export { REDACTED, redactConfig, summarizeConfig } from './redact.js';
export type {
  BasicAuthConfig,
  BurnRateWindow,
  CarbonConfig,
  Config,
  CostConfig,
  KeplerConfig,
  KeplerMode,
  KeplerSchemaSetting,
  ListenAddress,
  LogLevel,
  NamespaceRules,
  PrometheusConfig,
  RulesConfig,
  TlsConfig,
  WebConfig,
  WindowSpec,
} from './types.js';
