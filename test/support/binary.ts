import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/**
 * Absolute path of an executable from PATH (or /usr/bin), or an Error telling how to install it.
 * Tests must fail, not skip, when a backend is missing.
 */
export function requireBinary(name: string, debianPackage: string): string {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(`failed to find the '${name}' binary on PATH: install it with \`apt-get install -y ${debianPackage}\``);
}

/**
 * Environment for the Go programs the tests run (Prometheus, promtool, VictoriaMetrics): the collector runs at
 * 400 % heap growth instead of 100 %. Their heaps here are small, and the whole test run is CPU-bound: `promtool
 * test rules` over the committed rules took 6.3 s of CPU instead of 7.9 s.
 */
export const GO_PROGRAM_ENV: NodeJS.ProcessEnv = { ...process.env, GOGC: '400' };
