/** The package version, read from package.json (two levels up from both src/cli and dist/cli). */
import { readFileSync } from 'node:fs';

/** The version in package.json, e.g. `0.1.0`. */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
