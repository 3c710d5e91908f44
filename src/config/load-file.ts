/** The I/O side of configuration loading: reads the file, then defers to the pure `loadConfig`. */
import { readFile } from 'node:fs/promises';
import { loadConfig, type ConfigInputs } from './load.js';
import { ConfigError } from './problem.js';
import type { Config } from './schema.js';

/** Reads the config file at `path` (if given) and loads it with the environment and flags. */
export async function loadConfigFile(options: { path?: string; env?: ConfigInputs['env']; flags?: ConfigInputs['flags'] }): Promise<Config> {
  const { path, env, flags } = options;
  if (path === undefined) return loadConfig({ env, flags });
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const detail = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new ConfigError([{ path: [], message: `failed to read config file: ${detail}`, source: { kind: 'file', name: path } }], { cause: error });
  }
  return loadConfig({ file: { text, name: path }, env, flags });
}
