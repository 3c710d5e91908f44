/**
 * Builds the effective configuration from defaults < YAML file < environment < flags, reporting every
 * problem at once with the key path and where the value came from. Pure: takes text, not paths.
 */
import type { z } from 'zod';
import { closestKey, describeValue } from './describe.js';
import { crossCheck } from './cross-checks.js';
import { knownKeysAt } from './known-keys.js';
import { CONFIG_FLAGS, ENV_VARIABLES, convertOverride, type ConfigFlagName, type ConfigFlags } from './overrides.js';
import { ConfigError, type ConfigProblem, type ProblemSource } from './problem.js';
import { CONFIG_SCHEMA, TOP_LEVEL, toConfig, type Config, type TopLevelValues } from './schema.js';
import { parseYamlSource } from './yaml-source.js';

/** The inputs of {@link loadConfig}. */
export interface ConfigInputs {
  /** The config file's text and the name to show in messages (its path). */
  readonly file?: { readonly text: string; readonly name: string };
  /** Environment variables (see `ENV_VARIABLES`); others are ignored. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Configuration flags from the command line (see `CONFIG_FLAGS`). */
  readonly flags?: ConfigFlags;
}

type Path = readonly (string | number)[];
type Raw = Record<string, unknown>;

const isMapping = (value: unknown): value is Raw => value !== null && typeof value === 'object' && !Array.isArray(value);
const pathKey = (path: Path): string => JSON.stringify(path);

/** Sets `value` at `path`, creating (or replacing non-mapping) parents. */
function setPath(root: Raw, path: readonly string[], value: unknown): void {
  let node = root;
  path.slice(0, -1).forEach((segment) => {
    if (!isMapping(node[segment])) node[segment] = {};
    node = node[segment] as Raw;
  });
  node[path[path.length - 1] as string] = value;
}

/** Validates and merges every source; throws {@link ConfigError} listing every problem. */
export function loadConfig(inputs: ConfigInputs = {}): Config {
  const problems: ConfigProblem[] = [];
  const origins = new Map<string, ProblemSource>();
  let raw: Raw = {};

  const yaml = inputs.file && parseYamlSource(inputs.file.text, inputs.file.name);
  if (yaml && inputs.file) {
    if (yaml.problems.length > 0) throw new ConfigError(yaml.problems);
    if (isMapping(yaml.value)) raw = structuredClone(yaml.value);
    else if (yaml.value !== undefined && yaml.value !== null) {
      const source: ProblemSource = { kind: 'file', name: inputs.file.name };
      throw new ConfigError([{ path: [], message: `expected a mapping of keys to values, got ${describeValue(yaml.value)}`, source }]);
    }
  }

  for (const variable of ENV_VARIABLES) {
    const text = inputs.env?.[variable.name];
    if (text === undefined || text === '') continue;
    setPath(raw, variable.path, convertOverride(text, variable.type));
    origins.set(pathKey(variable.path), { kind: 'env', name: variable.name });
  }
  for (const [flag, path] of Object.entries(CONFIG_FLAGS)) {
    const text = inputs.flags?.[flag as ConfigFlagName];
    if (text === undefined) continue;
    setPath(raw, path, text);
    origins.set(pathKey(path), { kind: 'flag', name: flag });
  }

  const sourceOf = (path: Path, atKey = false): ProblemSource => {
    for (let length = path.length; length > 0; length--) {
      const origin = origins.get(pathKey(path.slice(0, length)));
      if (origin !== undefined) return origin;
    }
    const top = path[0];
    if (yaml && inputs.file && (top === undefined || (isMapping(yaml.value) && String(top) in yaml.value))) {
      return { kind: 'file', name: inputs.file.name, ...yaml.locate(path, atKey) };
    }
    return { kind: 'default' };
  };
  const report = (path: Path, message: string, atKey = false) => problems.push({ path, message, source: sourceOf(path, atKey) });

  const parts: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if (!(key in TOP_LEVEL)) reportUnknownKey([], key, report);
  }
  for (const [key, schema] of Object.entries(TOP_LEVEL) as [string, z.ZodType][]) {
    const result = schema.safeParse(raw[key], { reportInput: true });
    if (result.success) {
      parts[key] = result.data;
      continue;
    }
    for (const issue of result.error.issues) {
      const path = [key, ...issue.path.map((s) => (typeof s === 'number' ? s : String(s)))];
      if (issue.code === 'unrecognized_keys') issue.keys.forEach((unknown) => reportUnknownKey(path, unknown, report));
      else report(path, issue.message);
    }
  }
  for (const problem of crossCheck(raw)) report(problem.path, problem.message);

  if (problems.length > 0) throw new ConfigError(sortProblems(problems));
  return toConfig(parts as TopLevelValues);
}

function reportUnknownKey(parent: Path, key: string, report: (path: Path, message: string, atKey: boolean) => void): void {
  const suggestion = closestKey(key, knownKeysAt(CONFIG_SCHEMA, parent));
  report([...parent, key], suggestion === undefined ? 'unknown key' : `unknown key (did you mean ${suggestion}?)`, true);
}

const SOURCE_ORDER: Readonly<Record<ProblemSource['kind'], number>> = { file: 0, env: 1, flag: 2, default: 3 };

/** File problems in file order, then environment, flags and defaults; stable otherwise. */
function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const rank = (p: ConfigProblem): [number, number, number] => {
    const s = p.source;
    return s.kind === 'file' ? [0, s.line ?? 0, s.column ?? 0] : [SOURCE_ORDER[s.kind], 0, 0];
  };
  return [...problems].sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
}
