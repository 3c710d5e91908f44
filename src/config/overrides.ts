/** Environment variables and command-line flags that override configuration keys. */

/** How an override's text is turned into a YAML-like value before validation. */
export type OverrideType = 'string' | 'integer' | 'boolean' | 'list';

/** One environment variable and the key it sets. */
export interface EnvVariable {
  readonly name: string;
  readonly path: readonly string[];
  readonly type: OverrideType;
}

/** Environment variable naming the config file (read by the CLI, not by `loadConfig`). */
export const CONFIG_FILE_ENV = 'ENERGY_LEDGER_CONFIG';

/** Every environment variable `loadConfig` reads. An empty value counts as unset. Lists are comma-separated. */
export const ENV_VARIABLES: readonly EnvVariable[] = [
  { name: 'ENERGY_LEDGER_PROMETHEUS_URL', path: ['prometheus', 'url'], type: 'string' },
  { name: 'ENERGY_LEDGER_PROMETHEUS_TIMEOUT', path: ['prometheus', 'timeout'], type: 'string' },
  { name: 'ENERGY_LEDGER_PROMETHEUS_BEARER_TOKEN', path: ['prometheus', 'bearer_token'], type: 'string' },
  { name: 'ENERGY_LEDGER_PROMETHEUS_BEARER_TOKEN_FILE', path: ['prometheus', 'bearer_token_file'], type: 'string' },
  { name: 'ENERGY_LEDGER_PROMETHEUS_BASIC_AUTH_USERNAME', path: ['prometheus', 'basic_auth', 'username'], type: 'string' },
  { name: 'ENERGY_LEDGER_PROMETHEUS_BASIC_AUTH_PASSWORD_FILE', path: ['prometheus', 'basic_auth', 'password_file'], type: 'string' },
  { name: 'ENERGY_LEDGER_PROMETHEUS_TLS_CA_FILE', path: ['prometheus', 'tls', 'ca_file'], type: 'string' },
  { name: 'ENERGY_LEDGER_PROMETHEUS_TLS_INSECURE_SKIP_VERIFY', path: ['prometheus', 'tls', 'insecure_skip_verify'], type: 'boolean' },
  { name: 'ENERGY_LEDGER_PROMETHEUS_SELECTOR', path: ['prometheus', 'selector'], type: 'string' },
  { name: 'ENERGY_LEDGER_LISTEN', path: ['listen'], type: 'string' },
  { name: 'ENERGY_LEDGER_INTERVAL', path: ['interval'], type: 'string' },
  { name: 'ENERGY_LEDGER_OVERLAP', path: ['overlap'], type: 'string' },
  { name: 'ENERGY_LEDGER_SHARD', path: ['shard'], type: 'string' },
  { name: 'ENERGY_LEDGER_BACKFILL', path: ['backfill'], type: 'string' },
  { name: 'ENERGY_LEDGER_RETENTION', path: ['retention'], type: 'string' },
  { name: 'ENERGY_LEDGER_WINDOWS', path: ['windows'], type: 'list' },
  { name: 'ENERGY_LEDGER_GROUP_BY', path: ['group_by'], type: 'list' },
  { name: 'ENERGY_LEDGER_TIMEZONE', path: ['timezone'], type: 'string' },
  { name: 'ENERGY_LEDGER_KEPLER_SCHEMA', path: ['kepler', 'schema'], type: 'string' },
  { name: 'ENERGY_LEDGER_MAX_NAMESPACES', path: ['max_namespaces'], type: 'integer' },
  { name: 'ENERGY_LEDGER_LOG_LEVEL', path: ['log_level'], type: 'string' },
];

/** Command-line flags that set configuration keys (shared by `serve`, `report`, `rules`, `demo`). */
export const CONFIG_FLAGS = {
  'prometheus-url': ['prometheus', 'url'],
  listen: ['listen'],
  interval: ['interval'],
  backfill: ['backfill'],
  'log-level': ['log_level'],
  shard: ['shard'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/** Names of the flags in {@link CONFIG_FLAGS}, without dashes. */
export type ConfigFlagName = keyof typeof CONFIG_FLAGS;

/** Values of configuration flags as parsed from the command line. */
export type ConfigFlags = Partial<Record<ConfigFlagName, string>>;

/** Converts override text to the value the YAML would hold; text that does not convert stays text (and fails validation). */
export function convertOverride(text: string, type: OverrideType): unknown {
  switch (type) {
    case 'integer':
      return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'list':
      return text.split(',').map((item) => item.trim()).filter((item) => item !== '');
    default:
      return text;
  }
}
