/**
 * scripts/start-cluster.sh, without Docker or a cluster: it parses with `bash -n`, names Flux
 * Kustomizations that deploy/clusters/kind defines, and runs its steps in order against stand-in
 * docker/kind/kubectl/flux commands (which log their arguments), a real Prometheus (empty) on the
 * "forwarded" port, and a tiny HTTP server standing in for energy-ledger's /readyz and Grafana.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_METRICS } from '../../src/exposition/names.js';
import { startPrometheus } from '../support/prometheus-server.js';
import type { RunningBackend } from '../support/backend.js';
import { startFakeServer, type FakeServer } from '../support/fake-server.js';
import { loadCluster } from './cluster.js';
import { metricNames } from './promql-names.js';
import { DEPLOY, ROOT } from './tree.js';

const SCRIPT = path.join(ROOT, 'scripts', 'start-cluster.sh');
const script = () => readFileSync(SCRIPT, 'utf8');

/** A stand-in command that appends `name args…` to the log and prints `output`. */
function standIn(bin: string, name: string, log: string, output = ''): void {
  const file = path.join(bin, name);
  writeFileSync(file, `#!/usr/bin/env bash\nprintf '%s\\n' "${name} $*" >> '${log}'\nprintf '%s' '${output}'\n`);
  chmodSync(file, 0o755);
}

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

    const run = async (kindVersion: string) => {
      const bin = path.join(dir, `bin-${kindVersion}`);
      const log = path.join(dir, `log-${kindVersion}`);
      execFileSync('mkdir', ['-p', bin]);
      writeFileSync(log, '');
      standIn(bin, 'docker', log);
      standIn(bin, 'kind', log, `kind ${kindVersion} go1.22 linux/amd64\n`);
      standIn(bin, 'kubectl', log);
      standIn(bin, 'flux', log, 'flux: v2.8.0\n');
      const env = {
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        HOME: dir,
        REPO_URL: 'git@github.com:example/energy-ledger.git',
        BRANCH: 'main',
        PROMETHEUS_PORT: new URL(prometheus.url).port,
        LEDGER_PORT: String(web.port),
        GRAFANA_PORT: String(web.port),
      };
      try {
        const { stdout, stderr } = await promisify(execFile)('bash', [SCRIPT], { env, timeout: 60_000 });
        return { code: 0, stdout, stderr, log: readFileSync(log, 'utf8').trim().split('\n') };
      } catch (error) {
        const e = error as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr, log: readFileSync(log, 'utf8').trim().split('\n') };
      }
    };

    it('creates the cluster, loads the image, installs Flux on deploy/clusters/kind, waits, forwards and prints the queries', async () => {
      const result = await run('v0.27.0');
      expect(result.stderr).not.toMatch(/start-cluster: (?!warning)/);
      expect(result.code).toBe(0);
      const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
      const step = (prefix: string) => result.log.findIndex((line) => line.startsWith(prefix));
      const order = [
        'kind create cluster --name energy-ledger',
        `docker build --tag energy-ledger:${version}`,
        `kind load docker-image energy-ledger:${version} --name energy-ledger`,
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
    });

    it('refuses a kind older than 0.24, which does not enforce NetworkPolicy', async () => {
      const result = await run('v0.23.0');
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('kind v0.23.0 is too old');
      expect(result.log.filter((line) => line.startsWith('kind create'))).toEqual([]);
    });
  });
});
