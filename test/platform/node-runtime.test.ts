/**
 * The Node.js runtime: the suite runs on a Node that package.json `engines` accepts, and `.node-version`
 * (what scripts/with-node.sh fetches), `engines`, the Dockerfile's base image and `.ci/run` name one major.
 * scripts/with-node.sh runs against a stand-in `npm` whose "registry" is a local tarball: no network.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import semver from 'semver';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../deploy/tree.js';

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const engines = () => (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
const scripts = () => (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
const pinned = () => read('.node-version').trim();
const WITH_NODE = path.join(ROOT, 'scripts', 'with-node.sh');

describe('the Node.js runtime', () => {
  it('runs this suite on a Node that package.json engines accepts', () => {
    expect(semver.validRange(engines())).not.toBeNull();
    expect(semver.satisfies(process.versions.node, engines()), `node ${process.versions.node} vs engines ${engines()}`).toBe(true);
  });

  it('would reject the Node 20 the machines ship (so the check above can fail)', () => {
    expect(semver.satisfies('20.20.2', engines())).toBe(false);
  });

  it('runs every locked package on the pinned Node, so `npm ci` there warns EBADENGINE for none', () => {
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { engines?: { node?: string } | string[] }> };
    const refusing = (version: string) =>
      Object.entries(lock.packages).flatMap(([name, p]) => {
        const range = Array.isArray(p.engines) ? undefined : p.engines?.node;
        return range !== undefined && semver.validRange(range) !== null && !semver.satisfies(version, range) ? [`${name || 'energy-ledger'} ${range}`] : [];
      });
    expect(refusing(pinned())).toEqual([]);
    // Node 20 would be refused by energy-ledger itself and by several dependencies (so the check can fail).
    expect(refusing('20.20.2')).toContain(`energy-ledger ${engines()}`);
    expect(refusing('20.20.2').length).toBeGreaterThan(1);
  });

  it('pins one Node version that engines accepts, and the Dockerfile runs the same version', () => {
    expect(pinned()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(semver.satisfies(pinned(), engines())).toBe(true);
    expect(semver.minVersion(engines())?.major).toBe(semver.major(pinned()));
    const image = /^ARG NODE_IMAGE=node:(\S+)-bookworm-slim$/m.exec(read('Dockerfile'))?.[1];
    expect(image).toBe(pinned());
  });

  it('gets that Node for `npm test`, `npm run bench` and .ci/run', () => {
    expect(scripts().test).toMatch(/^scripts\/with-node\.sh npm run \S+$/);
    expect(scripts().bench).toMatch(/^scripts\/with-node\.sh node /);
    const ci = read('.ci/run');
    const onPath = ci.indexOf('PATH="$(scripts/with-node.sh):$PATH"');
    expect(onPath).toBeGreaterThan(0);
    expect(onPath).toBeLessThan(ci.search(/^npm ci /m));
    expect(onPath).toBeLessThan(ci.search(/^npm test$/m));
  });

  describe('scripts/with-node.sh', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'energy-ledger-with-node-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** A bin folder with a `node` that reports `version`, and an `npm` whose `pack` writes a node-<os>-<cpu> tarball. */
    const tools = (name: string, version: string) => {
      const bin = path.join(dir, name, 'bin');
      mkdirSync(bin, { recursive: true });
      const script = (file: string, text: string) => {
        writeFileSync(path.join(bin, file), `#!/usr/bin/env bash\n${text}\n`);
        chmodSync(path.join(bin, file), 0o755);
      };
      script('node', `echo v${version}`);
      // The packed node binary is a script too: it reports the version it was packed as.
      script(
        'npm',
        [
          `echo "npm $*" >> '${path.join(dir, name, 'npm.log')}'`,
          '[ "$1" = pack ] || exit 1',
          'spec=${@: -1}; v=${spec##*@}',
          'mkdir -p package/bin && printf \'#!/usr/bin/env bash\\necho v%s\\n\' "$v" > package/bin/node && chmod +x package/bin/node',
          'tar -czf "${spec%@*}-$v.tgz" package && rm -rf package',
        ].join('\n'),
      );
      return bin;
    };
    const run = async (bin: string, args: string[], env: Record<string, string> = {}) => {
      const cache = path.join(path.dirname(bin), 'cache');
      const full = { PATH: `${bin}:/usr/bin:/bin`, NODE_CACHE: cache, ...env };
      try {
        const { stdout, stderr } = await promisify(execFile)('bash', [WITH_NODE, ...args], { env: full });
        return { code: 0, stdout, stderr, cache };
      } catch (error) {
        const e = error as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr, cache };
      }
    };
    const npmLog = (bin: string) => {
      try {
        return readFileSync(path.join(path.dirname(bin), 'npm.log'), 'utf8');
      } catch {
        return '';
      }
    };

    it('uses a node already on the PATH when it has the pinned major, fetching nothing', async () => {
      const bin = tools('same-major', `${semver.major(pinned())}.0.0`);
      const result = await run(bin, ['node', '--version']);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(`v${semver.major(pinned())}.0.0`);
      expect(npmLog(bin)).toBe('');
    });

    it('fetches the pinned version into the cache when the PATH has another major, then reuses it', async () => {
      const bin = tools('other-major', '20.20.2');
      const first = await run(bin, ['node', '--version']);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout.trim()).toBe(`v${pinned()}`);
      expect(first.stderr).toContain(`fetching node-linux-`);
      const cpu = os.arch() === 'arm64' ? 'arm64' : 'x64';
      expect(npmLog(bin).trim()).toBe(`npm pack --silent node-linux-${cpu}@${pinned()}`);
      // No command: prints the folder to put first on PATH.
      const printed = await run(bin, []);
      expect(printed.stdout.trim()).toBe(path.join(first.cache, pinned(), 'bin'));
      expect(npmLog(bin).trim().split('\n')).toHaveLength(1);
    });

    it('says what is wrong with a bad pin, and when the fetch fails', async () => {
      const bin = tools('bad', '20.20.2');
      const bad = await run(bin, ['node'], { NODE_PIN: 'lts' });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('must hold a version x.y.z, not "lts"');
      writeFileSync(path.join(bin, 'npm'), '#!/usr/bin/env bash\necho "npm error 404 Not Found" >&2\nexit 1\n');
      const failed = await run(bin, ['node'], { NODE_PIN: '99.0.0' });
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/could not fetch node-linux-\w+@99\.0\.0/);
    });
  });
});
