/** Every object that deploy/ builds to validates against the Kubernetes, Flux and prometheus-operator schemas. */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { isReal, kustomize, type K8sObject } from './build.js';
import { validateObject } from './models.js';
import { GENERATED_RULE, kustomizationDirs, rel } from './tree.js';

const clone = <T>(value: T): T => structuredClone(value);

describe('@kubernetes-models validation', () => {
  it.each(kustomizationDirs().map((dir) => [rel(dir), dir]))('accepts every object %s builds to', (_name, dir) => {
    const objects = kustomize(dir);
    for (const object of objects) expect(() => validateObject(object)).not.toThrow();
  });

  it('validates the generated PrometheusRule when the rules generator has written it', () => {
    if (!existsSync(GENERATED_RULE)) {
      // Listed in the kustomization, written by `energy-ledger rules`; builds use a marked stand-in until then.
      expect(kustomize(kustomizationDirs().find((d) => GENERATED_RULE.startsWith(d + '/')) ?? '').some((o) => !isReal(o))).toBe(true);
      return;
    }
    const docs = parseAllDocuments(readFileSync(GENERATED_RULE, 'utf8')).map((d) => d.toJS() as K8sObject);
    expect(docs.map((d) => `${d.apiVersion} ${d.kind}`)).toEqual(['monitoring.coreos.com/v1 PrometheusRule']);
    for (const doc of docs) expect(() => validateObject(doc)).not.toThrow();
  });

  describe('catches broken objects (so the checks above can fail)', () => {
    const built = () => kustomize(kustomizationDirs().find((d) => d.endsWith('deploy/clusters/kind')) ?? '');
    const infra = () => kustomize(kustomizationDirs().find((d) => d.endsWith('monitoring')) ?? '');

    it('refuses a Flux Kustomization without prune', () => {
      const ks = clone(built().find((o) => o.kind === 'Kustomization') as K8sObject);
      delete ks.spec?.prune;
      expect(() => validateObject(ks)).toThrow(/prune/);
    });

    it('refuses a HelmRelease without interval', () => {
      const hr = clone(infra().find((o) => o.kind === 'HelmRelease') as K8sObject);
      delete hr.spec?.interval;
      expect(() => validateObject(hr)).toThrow(/interval/);
    });

    it('refuses a removed beta Flux API, which has no model', () => {
      const ks = clone(built().find((o) => o.kind === 'Kustomization') as K8sObject);
      ks.apiVersion = 'kustomize.toolkit.fluxcd.io/v1beta2';
      expect(() => validateObject(ks)).toThrow(/no model/);
    });

    it('refuses a Deployment whose pod template has no containers', () => {
      const app = kustomize(kustomizationDirs().find((d) => d.endsWith('apps/energy-ledger')) ?? '');
      const deployment = clone(app.find((o) => o.kind === 'Deployment') as K8sObject);
      delete (deployment.spec as { template: { spec: { containers?: unknown } } }).template.spec.containers;
      expect(() => validateObject(deployment)).toThrow(/containers/);
    });
  });
});
