/**
 * The deploy/ tree builds: every folder with files is a kustomization listing files that exist (and
 * listing every file beside it), every kustomization is reachable from a cluster, and `kubectl kustomize`
 * builds each one.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kustomize } from './build.js';
import { APP_DIR, DEPLOY, GENERATED_RULE, clusterDirs, filesIn, folders, isKustomization, kustomizationDirs, readKustomization, rel } from './tree.js';

const inside = (file: string) => !path.relative(DEPLOY, file).startsWith('..');

describe('the deploy/ tree', () => {
  it('has a kustomization.yaml in every folder that holds files', () => {
    const missing = folders().filter((dir) => filesIn(dir).length > 0 && !existsSync(path.join(dir, 'kustomization.yaml')));
    expect(missing.map(rel)).toEqual([]);
    expect(kustomizationDirs().length).toBeGreaterThanOrEqual(5);
  });

  it.each(kustomizationDirs().map((dir) => [rel(dir), dir]))('%s lists only files and kustomizations that exist inside deploy/', (_name, dir) => {
    const refs = readKustomization(dir);
    const problems = [
      ...refs.resources.filter((r) => !inside(r)).map((r) => `${rel(r)}: outside deploy/`),
      ...refs.files.filter((f) => !inside(f)).map((f) => `${rel(f)}: outside deploy/`),
      // The rules generator writes the PrometheusRule; until it has, it is the one listed file allowed to be missing.
      ...refs.resources.filter((r) => !existsSync(r) && r !== GENERATED_RULE).map((r) => `${rel(r)}: missing`),
      ...refs.resources.filter((r) => existsSync(r) && !r.endsWith('.yaml') && !isKustomization(r)).map((r) => `${rel(r)}: not a kustomization`),
      ...refs.files.filter((f) => !existsSync(f)).map((f) => `${rel(f)}: missing`),
      ...refs.keys.filter((k) => ['bases', 'patchesStrategicMerge', 'patchesJson6902', 'vars', 'commonLabels'].includes(k)).map((k) => `${k}: deprecated`),
    ];
    expect(problems).toEqual([]);
  });

  it.each(kustomizationDirs().map((dir) => [rel(dir), dir]))('%s refers to every file beside it, so nothing is silently left out', (_name, dir) => {
    const refs = readKustomization(dir);
    const used = new Set([...refs.resources, ...refs.files]);
    const unused = filesIn(dir).filter((f) => f !== 'kustomization.yaml' && !used.has(path.join(dir, f)));
    expect(unused).toEqual([]);
  });

  it('lists the generated PrometheusRule in the app kustomization', () => {
    expect(readKustomization(APP_DIR).resources).toContain(GENERATED_RULE);
  });

  it('reaches every kustomization from a cluster entry point, through resources and Flux Kustomization paths', () => {
    const reached = new Set<string>();
    const visit = (dir: string) => {
      if (reached.has(dir)) return;
      reached.add(dir);
      const refs = readKustomization(dir);
      refs.resources.filter(isKustomization).forEach(visit);
      for (const file of refs.resources.filter((r) => r.endsWith('.yaml') && existsSync(r))) {
        const fluxPaths = readFileSync(file, 'utf8')
          .split(/^---$/m)
          .map((text) => parse(text) as { kind?: string; spec?: { path?: string } } | null)
          .filter((doc) => doc?.kind === 'Kustomization' && typeof doc.spec?.path === 'string')
          .map((doc) => path.resolve(path.dirname(DEPLOY), doc?.spec?.path ?? ''));
        fluxPaths.filter(isKustomization).forEach(visit);
      }
    };
    clusterDirs().forEach(visit);
    expect(kustomizationDirs().filter((dir) => !reached.has(dir)).map(rel)).toEqual([]);
  });
});

describe('kubectl kustomize', () => {
  it.each(kustomizationDirs().map((dir) => [rel(dir), dir]))('builds %s', (_name, dir) => {
    const objects = kustomize(dir);
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) {
      expect(typeof o.apiVersion, `${o.kind}/${o.metadata.name}`).toBe('string');
      expect(o.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
    }
  });

  it('puts every app object in the energy-ledger namespace and rolls the Deployment when the config changes', () => {
    const objects = kustomize(APP_DIR);
    const namespaced = objects.filter((o) => o.kind !== 'Namespace');
    expect(namespaced.map((o) => `${o.kind}/${o.metadata.namespace}`).filter((s) => !s.endsWith('/energy-ledger'))).toEqual([]);
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('energy-ledger-config'));
    // configMapGenerator appends a content hash, and kustomize rewrites the Deployment's reference to it.
    expect(config?.metadata.name).toMatch(/^energy-ledger-config-[a-z0-9]{10}$/);
    expect(JSON.stringify(objects.find((o) => o.kind === 'Deployment'))).toContain(`"name":"${config?.metadata.name}"`);
  });
});
