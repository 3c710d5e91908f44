/** docs/deploy.md stays true to the tree and the metrics. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_METRICS } from '../../src/exposition/names.js';
import { loadCluster } from './cluster.js';
import { metricNames } from './promql-names.js';
import { DEPLOY, ROOT } from './tree.js';

const doc = () => readFileSync(path.join(ROOT, 'docs', 'deploy.md'), 'utf8');

describe('docs/deploy.md', () => {
  it('queries only series energy-ledger exposes, including the flux-system question', () => {
    const queries = [...doc().matchAll(/`((?:rate\()?energy_ledger_[^`]+)`/g)].map((m) => m[1] ?? '');
    expect(queries.length).toBeGreaterThanOrEqual(4);
    const exposed = new Set(ALL_METRICS.map((m) => m.name));
    expect(queries.flatMap(metricNames).filter((n) => !exposed.has(n))).toEqual([]);
    expect(queries.some((q) => q.includes('namespace="flux-system"'))).toBe(true);
  });

  it('names paths that exist', () => {
    const paths = [...doc().matchAll(/`\.?\/?((?:deploy|scripts|dashboards|examples|src)\/[\w./-]*?)\/?`/g)].map((m) => m[1] ?? '');
    expect(paths.length).toBeGreaterThanOrEqual(5);
    expect(paths.filter((p) => !p.includes('NAME') && !existsSync(path.join(ROOT, p)))).toEqual([]);
  });

  it('states the chart versions deploy/ pins', () => {
    const objects = loadCluster(path.join(DEPLOY, 'clusters', 'kind')).objects.map((o) => o.object);
    const tag = (name: string) => (objects.find((o) => o.kind === 'OCIRepository' && o.metadata.name === name)?.spec as { ref: { tag: string } }).ref.tag;
    expect(doc()).toContain(`kube-prometheus-stack ${tag('kube-prometheus-stack')}`);
    expect(doc()).toContain(`Kepler chart ${tag('kepler')}, image v${tag('kepler')}`);
  });

  it('states the kind and Flux versions scripts/start-cluster.sh requires', () => {
    const script = readFileSync(path.join(ROOT, 'scripts', 'start-cluster.sh'), 'utf8');
    const min = (name: string) => new RegExp(`^${name}=(v[\\d.]+)$`, 'm').exec(script)?.[1];
    expect(min('KIND_MIN')).toMatch(/^v\d/);
    expect(doc()).toContain(`kind](https://kind.sigs.k8s.io) ${min('KIND_MIN')} or later`);
    expect(doc()).toContain(`**kind ${min('KIND_MIN')}**`);
    expect(doc()).toContain(`flux CLI](https://fluxcd.io/flux/installation/#install-the-flux-cli) ${min('FLUX_MIN')} or later`);
    expect(doc()).toContain(`**Flux ${min('FLUX_MIN')}**`);
  });

  it('names the Flux Kustomizations of the kind cluster', () => {
    for (const ks of loadCluster(path.join(DEPLOY, 'clusters', 'kind')).kustomizations) expect(doc()).toContain(`\`${ks.metadata.name}\``);
  });
});
