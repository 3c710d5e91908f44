/**
 * scripts/start-cluster.sh, without Docker or a cluster: it parses with `bash -n`, names Flux
 * Kustomizations that deploy/clusters/kind defines, gates kind and Flux at the versions deploy/ needs,
 * and runs its steps in order against stand-in docker/kind/kubectl/flux commands (which log their
 * arguments), a real Prometheus (empty) on the "forwarded" port, and a tiny HTTP server standing in for
 * energy-ledger's /readyz and Grafana.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_METRICS } from '../../src/exposition/names.js';
import { startPrometheus } from '../support/prometheus-server.js';
import type { RunningBackend } from '../support/backend.js';
import { startFakeServer, type FakeServer } from '../support/fake-server.js';
import type { K8sObject } from './build.js';
import { loadCluster } from './cluster.js';
import { metricNames } from './promql-names.js';
import { oldestFlux, oldestKind } from './tool-minimums.js';
import { DEPLOY, ROOT } from './tree.js';

const SCRIPT = path.join(ROOT, 'scripts', 'start-cluster.sh');
const script = () => readFileSync(SCRIPT, 'utf8');

/** What a stand-in does when its arguments start with `args`: print `output`, exit with `code`. */
interface Case {
  readonly args: string;
  readonly output?: string;
  readonly code?: number;
}

/** A stand-in command that appends `name args…` to the log, then answers as the first matching case says (else prints `output`). */
function standIn(bin: string, name: string, log: string, output = '', cases: readonly Case[] = []): void {
  const file = path.join(bin, name);
  const arms = cases.map((c) => `  '${c.args}'*) printf '%s' '${c.output ?? ''}'; exit ${c.code ?? 0} ;;\n`).join('');
  writeFileSync(file, `#!/usr/bin/env bash\nprintf '%s\\n' "${name} $*" >> '${log}'\ncase "$*" in\n${arms}esac\nprintf '%s' '${output}'\n`);
  chmodSync(file, 0o755);
}

/** The value of `NAME=value` in the script. */
const scriptValue = (name: string) => new RegExp(`^${name}=(\\S+)$`, 'm').exec(script())?.[1];

describe('scripts/start-cluster.sh', () => {
  it('is valid bash', () => {
    expect(() => execFileSync('bash', ['-n', SCRIPT])).not.toThrow();
  });

  it('waits for exactly the Flux Kustomizations deploy/clusters/kind defines, and syncs that path', () => {
    const listed = /^KUSTOMIZATIONS=\(([^)]*)\)$/m.exec(script())?.[1]?.split(/\s+/) ?? [];
    const defined = loadCluster(path.join(DEPLOY, 'clusters', 'kind')).kustomizations.map((k) => k.metadata.name);
    expect([...listed].sort()).toEqual([...defined].sort());
    expect(script()).toMatch(/^FLUX_PATH=\.\/deploy\/clusters\/kind$/m);
  });

  it('gates Flux at the oldest release that serves every API and field deploy/ uses', () => {
    const cluster = loadCluster(path.join(DEPLOY, 'clusters', 'kind'));
    const objects: K8sObject[] = [...cluster.kustomizations, ...cluster.objects.map((o) => o.object)];
    const needed = oldestFlux(objects);
    expect(scriptValue('FLUX_MIN')).toBe(`v${needed.version}`);
    expect(needed.because).toEqual(['HelmRelease install/upgrade strategy (RetryOnFailure)']);
    // Without the strategy, OCIRepository v1 would set the floor: the check follows the manifests.
    const withoutStrategy = objects.map((o) => (o.kind === 'HelmRelease' ? { ...o, spec: { ...o.spec, install: {}, upgrade: {} } } : o));
    expect(oldestFlux(withoutStrategy).version).toBe('2.6.0');
  });

  it('gates kind at the oldest release whose default node runs the Kubernetes Flux checks for, with probe-safe network policies', () => {
    expect(scriptValue('KIND_MIN')).toBe(`v${oldestKind()}`);
    expect(oldestKind('1.31')).toBe('0.28.0');
    expect(oldestKind('1.34')).toBe('0.30.0');
  });

  it('prints queries on series energy-ledger exposes', () => {
    const queries = [...script().matchAll(/^ {2}local q_\w+='([^']+)'$/gm)].map((m) => m[1] ?? '');
    expect(queries.length).toBeGreaterThanOrEqual(4);
    const exposed = new Set(ALL_METRICS.map((m) => m.name));
    expect(queries.flatMap(metricNames).filter((n) => !exposed.has(n))).toEqual([]);
    expect(queries.some((q) => q.includes('namespace="flux-system"'))).toBe(true);
  });

  describe('run against stand-in tools', () => {
    let prometheus: RunningBackend;
    let web: FakeServer;
    let dir: string;
    beforeAll(async () => {
      prometheus = await startPrometheus();
      web = await startFakeServer((_req, res) => void res.writeHead(200).end('ok\n'));
      dir = mkdtempSync(path.join(os.tmpdir(), 'energy-ledger-start-cluster-'));
    });
    afterAll(async () => {
      await prometheus?.stop();
      await web?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    interface Tools {
      readonly kind?: string;
      readonly flux?: string;
      /** What `docker version --format {{.Server.Arch}}` answers. */
      readonly arch?: string;
      /** `kind load docker-image` fails as under Docker's containerd image store (kind#3795). */
      readonly containerdStore?: boolean;
      readonly env?: Record<string, string>;
    }
    let runs = 0;
    const run = async ({ kind = 'v0.28.0', flux = 'v2.8.0', arch = 'amd64', containerdStore = false, env: extra = {} }: Tools = {}) => {
      const bin = path.join(dir, `bin-${++runs}`);
      const log = path.join(dir, `log-${runs}`);
      const tmp = path.join(dir, `tmp-${runs}`);
      execFileSync('mkdir', ['-p', bin, tmp]);
      writeFileSync(log, '');
      standIn(bin, 'docker', log, '', [{ args: 'version --format', output: `${arch}\n` }]);
      const digestNotFound = { args: 'load docker-image', output: 'ERROR: failed to load image: ctr: content digest sha256:82014a3c: not found\n', code: 1 };
      standIn(bin, 'kind', log, '', [{ args: 'version', output: `kind ${kind} go1.24 linux/${arch}\n` }, ...(containerdStore ? [digestNotFound] : [])]);
      standIn(bin, 'kubectl', log);
      standIn(bin, 'flux', log, '', [{ args: 'version', output: `flux: ${flux}\n` }]);
      const env = {
        ...extra,
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        HOME: dir,
        TMPDIR: tmp,
        REPO_URL: 'git@github.com:example/energy-ledger.git',
        BRANCH: 'main',
        PROMETHEUS_PORT: new URL(prometheus.url).port,
        LEDGER_PORT: String(web.port),
        GRAFANA_PORT: String(web.port),
      };
      try {
        const { stdout, stderr } = await promisify(execFile)('bash', [SCRIPT], { env, timeout: 60_000 });
        return { code: 0, stdout, stderr, tmp, log: readFileSync(log, 'utf8').trim().split('\n') };
      } catch (error) {
        const e = error as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr, tmp, log: readFileSync(log, 'utf8').trim().split('\n') };
      }
    };
    const version = () => (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    /** Nothing was created: no cluster, no image build. */
    const startedNothing = (log: string[]) => log.filter((line) => /^(kind create|docker build|flux install)/.test(line));

    it('creates the cluster, loads the image, installs Flux on deploy/clusters/kind, waits, forwards and prints the queries', async () => {
      const result = await run();
      expect(result.stderr).not.toMatch(/start-cluster: (?!warning)/);
      expect(result.code).toBe(0);
      const step = (prefix: string) => result.log.findIndex((line) => line.startsWith(prefix));
      const order = [
        'kind create cluster --name energy-ledger',
        `docker build --tag energy-ledger:${version()}`,
        `kind load docker-image energy-ledger:${version()} --name energy-ledger`,
        'flux install',
        'flux create source git flux-system --url=https://github.com/example/energy-ledger --branch=main',
        'flux create kustomization flux-system --source=GitRepository/flux-system --path=./deploy/clusters/kind',
        'kubectl -n flux-system wait kustomization/infra-monitoring',
        'kubectl -n flux-system wait kustomization/infra-kepler',
        'kubectl -n flux-system wait kustomization/apps',
        'kubectl -n monitoring port-forward service/kube-prometheus-stack-prometheus',
        'kubectl -n energy-ledger port-forward service/energy-ledger',
      ].map(step);
      expect(order.every((i) => i >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(result.stdout).toContain('energy_ledger_namespace_energy_watt_hours{namespace="flux-system", window="1h"}');
      // The real (empty) Prometheus answered every query.
      expect(result.stdout.match(/no data yet/g)).toHaveLength(4);
      expect(result.log.filter((line) => line.includes('image-archive') || line.startsWith('docker image save'))).toEqual([]);
    });

    it('loads the image as a single-platform archive when `kind load docker-image` fails under the containerd image store', async () => {
      const result = await run({ containerdStore: true });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('kind#3795');
      const image = `energy-ledger:${version()}`;
      const at = (prefix: string) => result.log.findIndex((line) => line.startsWith(prefix));
      const save = /^docker image save --platform linux\/amd64 --output (\S+) (\S+)$/.exec(result.log[at('docker image save')] ?? '');
      expect(save?.[2]).toBe(image);
      const archive = save?.[1] ?? '';
      expect(path.dirname(archive)).toBe(result.tmp);
      expect(result.log).toContain(`kind load image-archive ${archive} --name energy-ledger`);
      expect(at(`kind load docker-image ${image}`)).toBeLessThan(at('docker image save'));
      expect(at('docker image save')).toBeLessThan(at('kind load image-archive'));
      expect(at('kind load image-archive')).toBeLessThan(at('flux install'));
      expect(readdirSync(result.tmp)).toEqual([]);
    });

    it('refuses to start on an arm64 Docker host, before creating anything, and says why', async () => {
      const result = await run({ arch: 'arm64' });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('Docker runs arm64 here');
      expect(result.stderr).toContain("Kepler's image is built for linux/amd64 only");
      expect(result.stderr).toContain('ALLOW_NON_AMD64=1');
      expect(startedNothing(result.log)).toEqual([]);
    });

    it('starts on arm64 when told to, warning', async () => {
      const result = await run({ arch: 'arm64', env: { ALLOW_NON_AMD64: '1' } });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('warning: ALLOW_NON_AMD64=1');
      expect(result.log.some((line) => line.startsWith('kind create cluster'))).toBe(true);
    });

    it('refuses kind 0.27, whose default node runs Kubernetes 1.32, and accepts 0.28', async () => {
      const result = await run({ kind: 'v0.27.0' });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('kind v0.27.0 is too old: v0.28.0 or later');
      expect(startedNothing(result.log)).toEqual([]);
      const newer = await run({ kind: 'v0.30.0' });
      expect(newer.code, newer.stderr).toBe(0);
    });

    it('refuses Flux 2.6, which lacks the HelmRelease strategy deploy/ uses, and accepts 2.7', async () => {
      const result = await run({ flux: 'v2.6.4' });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('flux v2.6.4 is too old: v2.7.0 or later');
      expect(startedNothing(result.log)).toEqual([]);
      const oldest = await run({ flux: 'v2.7.0' });
      expect(oldest.code, oldest.stderr).toBe(0);
    });

    it('says so when a tool prints no version it can read', async () => {
      const result = await run({ flux: 'unknown' });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('could not read the version of flux');
    });
  });
});
