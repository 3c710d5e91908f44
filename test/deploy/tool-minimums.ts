/**
 * The oldest Flux and kind that deploy/ works with, derived from what its objects use, so that
 * scripts/start-cluster.sh's version gates can be checked against the manifests.
 */
import type { K8sObject } from './build.js';

/** A Flux API or field, and the Flux release that first served it. */
export interface FluxFeature {
  readonly what: string;
  readonly since: string;
  readonly uses: (object: K8sObject) => boolean;
}

const is = (apiVersion: string, kind: string) => (o: K8sObject) => o.apiVersion === apiVersion && o.kind === kind;
const spec = (o: K8sObject, key: string) => (o.spec?.[key] ?? {}) as Record<string, unknown>;

/** Flux features the kind cluster may use, with the first release that has each (Flux changelogs). */
export const FLUX_FEATURES: readonly FluxFeature[] = [
  { what: 'Kustomization kustomize.toolkit.fluxcd.io/v1', since: '2.0.0', uses: is('kustomize.toolkit.fluxcd.io/v1', 'Kustomization') },
  { what: 'GitRepository source.toolkit.fluxcd.io/v1', since: '2.0.0', uses: is('source.toolkit.fluxcd.io/v1', 'GitRepository') },
  { what: 'HelmRelease helm.toolkit.fluxcd.io/v2', since: '2.3.0', uses: is('helm.toolkit.fluxcd.io/v2', 'HelmRelease') },
  { what: 'OCIRepository source.toolkit.fluxcd.io/v1', since: '2.6.0', uses: is('source.toolkit.fluxcd.io/v1', 'OCIRepository') },
  {
    // helm-controller API v1.4.0, first shipped with Flux 2.7.
    what: 'HelmRelease install/upgrade strategy (RetryOnFailure)',
    since: '2.7.0',
    uses: (o) => o.kind === 'HelmRelease' && (spec(o, 'install').strategy !== undefined || spec(o, 'upgrade').strategy !== undefined),
  },
];

/** Kubernetes minor version of kind's default node image, per kind release (kind release notes). */
export const KIND_DEFAULT_KUBERNETES: Readonly<Record<string, string>> = {
  '0.24.0': '1.31',
  '0.25.0': '1.31',
  '0.26.0': '1.32',
  '0.27.0': '1.32',
  '0.28.0': '1.33',
  '0.29.0': '1.33',
  '0.30.0': '1.34',
};

/** The oldest Kubernetes that `flux check --pre` of current Flux (2.8) accepts. */
export const FLUX_KUBERNETES_MIN = '1.33';

/** kind releases up to this one bundle kube-network-policies that block kubelet probes (kind#3875). */
export const KIND_PROBE_BLOCKING_UNTIL = '0.27.0';

/** Compares dotted versions numerically: negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split('.').map(Number);
  const pb = b.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The oldest Flux that serves every feature `objects` use, and the features that ask for it. */
export function oldestFlux(objects: readonly K8sObject[]): { version: string; because: string[] } {
  const used = FLUX_FEATURES.filter((f) => objects.some(f.uses));
  const version = used.map((f) => f.since).reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b), '0.0.0');
  return { version, because: used.filter((f) => f.since === version).map((f) => f.what) };
}

/** The oldest kind whose default node runs `kubernetes` or later and whose network policies let probes through. */
export function oldestKind(kubernetes: string = FLUX_KUBERNETES_MIN): string | undefined {
  return Object.keys(KIND_DEFAULT_KUBERNETES)
    .sort(compareVersions)
    .find((kind) => compareVersions(KIND_DEFAULT_KUBERNETES[kind] ?? '0', kubernetes) >= 0 && compareVersions(kind, KIND_PROBE_BLOCKING_UNTIL) > 0);
}
