/**
 * Checks that involve more than one key. They read the merged raw values (defaults filled in), so they
 * run even when an unrelated key is invalid; a value that does not parse is simply left out.
 */
import { formatDuration, parseDuration } from '../core/duration.js';
import { unreachableNamespaceKeys } from './namespace-relabel.js';
import { DEFAULTS } from './schema.js';

/** A problem found by a cross-key check, reported at `path`. */
export interface CrossProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

type Raw = Readonly<Record<string, unknown>>;

const mapping = (value: unknown): Raw => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : {});

function seconds(value: unknown): number | undefined {
  try {
    return typeof value === 'string' ? parseDuration(value) : undefined;
  } catch {
    return undefined;
  }
}

/** Every cross-key problem in the merged raw configuration (before defaults). */
export function crossCheck(raw: Raw): CrossProblem[] {
  const problems: CrossProblem[] = [];
  const d = formatDuration;
  const retention = seconds(raw.retention ?? DEFAULTS.retention);
  const windowList = raw.windows ?? DEFAULTS.windows;
  const windows = (Array.isArray(windowList) ? windowList : []).map(seconds).filter((s) => s !== undefined);

  if (retention !== undefined && windows.length > 0) {
    const longest = Math.max(...windows);
    if (retention < longest + 3600) {
      problems.push({
        path: ['retention'],
        message: `must be at least ${d(longest + 3600)} (the longest window, ${d(longest)}, plus 1h for the previous hour), got ${d(retention)}`,
      });
    }
  }

  const prometheus = mapping(raw.prometheus);
  const hasBearer = prometheus.bearer_token !== undefined || prometheus.bearer_token_file !== undefined;
  if (prometheus.bearer_token !== undefined && prometheus.bearer_token_file !== undefined) {
    problems.push({ path: ['prometheus', 'bearer_token'], message: 'set either bearer_token or bearer_token_file, not both' });
  }
  if (prometheus.basic_auth !== undefined) {
    const auth = mapping(prometheus.basic_auth);
    if (hasBearer) problems.push({ path: ['prometheus', 'basic_auth'], message: 'cannot be combined with a bearer token: choose one' });
    if (auth.password !== undefined && auth.password_file !== undefined) {
      problems.push({ path: ['prometheus', 'basic_auth', 'password'], message: 'set either password or password_file, not both' });
    } else if (auth.password === undefined && auth.password_file === undefined) {
      problems.push({ path: ['prometheus', 'basic_auth'], message: 'needs password_file (or password)' });
    }
  }
  const tls = mapping(prometheus.tls);
  if ((tls.cert_file === undefined) !== (tls.key_file === undefined)) {
    problems.push({
      path: ['prometheus', 'tls', tls.cert_file === undefined ? 'key_file' : 'cert_file'],
      message: 'cert_file and key_file go together: set both or neither',
    });
  }
  problems.push(...unreachableNamespaceKeys(raw));
  return problems;
}
