/** What Flux applies to one cluster: its Kustomizations and the objects built from their paths. */
import path from 'node:path';
import { kustomize, type K8sObject } from './build.js';
import { ROOT, clusterDirs, rel } from './tree.js';

/** A Flux Kustomization's spec, as far as the policy checks read it. */
export interface FluxKustomizationSpec {
  interval?: string;
  timeout?: string;
  prune?: boolean;
  wait?: boolean;
  path?: string;
  dependsOn?: { name: string; namespace?: string }[];
  healthChecks?: { apiVersion?: string; kind: string; name: string; namespace?: string }[];
  sourceRef?: { kind: string; name: string };
}

export interface Cluster {
  readonly name: string;
  readonly dir: string;
  readonly kustomizations: (K8sObject & { spec: FluxKustomizationSpec })[];
  /** Objects of every Kustomization's path, with the Kustomization that applies them. */
  readonly objects: { by: string; object: K8sObject }[];
}

/** Loads the cluster in `dir`: builds its entry point, then every Flux Kustomization's path. */
export function loadCluster(dir: string): Cluster {
  const kustomizations = kustomize(dir).filter((o) => o.kind === 'Kustomization' && o.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')) as Cluster['kustomizations'];
  const objects = kustomizations.flatMap((ks) => kustomize(path.resolve(ROOT, ks.spec.path ?? '')).map((object) => ({ by: ks.metadata.name, object })));
  return { name: path.basename(dir), dir: rel(dir), kustomizations, objects };
}

/** Every cluster under deploy/clusters. */
export const clusters = () => clusterDirs().map(loadCluster);

/** The one object of `kind` named `name` in `objects`, or an error. */
export function one(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${found.length}`);
  return found[0] as K8sObject;
}
