/**
 * Validates objects with the @kubernetes-models packages (precompiled JSON schemas, no network).
 * Only the API versions this project allows have a model, so a beta or removed API has none.
 */
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { GitRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository';
import { HelmRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/HelmRepository';
import { OCIRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/OCIRepository';
import { Kustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import { HelmRelease } from '@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2/HelmRelease';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { K8sObject } from './build.js';

type ModelClass = new (data: never) => { validate(): void };

const MODELS: readonly ModelClass[] = [
  ConfigMap,
  Namespace,
  Service,
  ServiceAccount,
  Deployment,
  NetworkPolicy,
  PodDisruptionBudget,
  GitRepository,
  HelmRepository,
  OCIRepository,
  Kustomization,
  HelmRelease,
  PrometheusRule,
  ServiceMonitor,
] as unknown as readonly ModelClass[];

const key = (apiVersion: string, kind: string) => `${apiVersion}|${kind}`;

const REGISTRY = new Map(
  MODELS.map((model) => {
    const { apiVersion, kind } = model as unknown as { apiVersion: string; kind: string };
    return [key(apiVersion, kind), model] as const;
  }),
);

/** The `apiVersion kind` pairs that have a model. */
export const MODELLED = [...REGISTRY.keys()].map((k) => k.replace('|', ' '));

/** Validates `object` against its model; throws naming the object and the first schema error. */
export function validateObject(object: K8sObject): void {
  const model = REGISTRY.get(key(object.apiVersion, object.kind));
  const name = `${object.apiVersion} ${object.kind} ${object.metadata?.namespace ?? ''}/${object.metadata?.name}`;
  if (model === undefined) throw new Error(`failed to validate ${name}: no model for this apiVersion and kind (allowed: ${MODELLED.join(', ')})`);
  try {
    new model(object as never).validate();
  } catch (error) {
    throw new Error(`failed to validate ${name}: ${(error as Error).message}`, { cause: error });
  }
}
