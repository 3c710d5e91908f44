/**
 * The project's own rules for deploy/, which the schemas cannot express: current Flux APIs only, pinned
 * versions, Kustomization ordering and health, a hardened Deployment whose Service, ServiceMonitor,
 * NetworkPolicy and PodDisruptionBudget fit it, and Prometheus/Grafana selecting what the app ships.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kustomize, type K8sObject } from './build.js';
import { clusters, one } from './cluster.js';
import { APP_DIR, DEPLOY, ROOT, isKustomization, rel, sourceDocuments } from './tree.js';

/** The Flux APIs in use today (Flux 2.8 removed the beta ones). */
const FLUX_APIS: Record<string, string> = {
  'source.toolkit.fluxcd.io': 'v1',
  'kustomize.toolkit.fluxcd.io': 'v1',
  'helm.toolkit.fluxcd.io': 'v2',
  'notification.toolkit.fluxcd.io': 'v1',
};

interface Probe {
  httpGet?: { path?: string; port?: string | number };
}
interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    privileged?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
    seccompProfile?: { type?: string };
  };
}
interface PodSpec {
  automountServiceAccountToken?: boolean;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type?: string } };
  containers: Container[];
}
interface DeploymentSpec {
  replicas?: number;
  selector: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
}

const app = () => kustomize(APP_DIR);
const deployment = () => one(app(), 'Deployment', 'energy-ledger').spec as unknown as DeploymentSpec;
const container = () => deployment().template.spec.containers[0] as Container;
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
const packageVersion = () => (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const EXACT_VERSION = /^v?\d+\.\d+\.\d+$/;
/** Multipliers of Kubernetes quantity suffixes, and of Prometheus size units (powers of 2). */
const UNITS: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30 };
/** A Kubernetes quantity (`100m`, `128Mi`) or Prometheus size (`8GB`) as a number. */
function quantity(text: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(text ?? '');
  const unit = UNITS[m?.[2] ?? 'none'];
  if (m === null || unit === undefined) throw new Error(`not a quantity: ${text}`);
  return Number(m[1]) * unit;
}

describe('Flux APIs', () => {
  it('uses only source v1, kustomize v1, helm v2 (and notification v1) in every YAML file under deploy/', () => {
    const used = sourceDocuments()
      .map(({ file, doc }) => ({ file, apiVersion: String(doc.apiVersion ?? '') }))
      .filter(({ apiVersion }) => apiVersion.includes('fluxcd.io/'));
    expect(used.length).toBeGreaterThan(0);
    const wrong = used.filter(({ apiVersion }) => {
      const [group, version] = apiVersion.split('/');
      return FLUX_APIS[group ?? ''] !== version;
    });
    expect(wrong.map((w) => `${rel(w.file)}: ${w.apiVersion}`)).toEqual([]);
  });
});

describe.each(clusters().map((c) => [c.name, c]))('cluster %s', (_name, cluster) => {
  it('orders infrastructure before apps with dependsOn, and every dependency exists', () => {
    const names = new Set(cluster.kustomizations.map((k) => k.metadata.name));
    const deps = cluster.kustomizations.flatMap((k) => (k.spec.dependsOn ?? []).map((d) => [k.metadata.name, d.name] as const));
    expect(deps.filter(([, d]) => !names.has(d))).toEqual([]);
    // No cycles: repeatedly remove Kustomizations whose dependencies are all removed.
    const left = new Set(names);
    for (let changed = true; changed; ) {
      changed = false;
      for (const k of cluster.kustomizations) {
        if (left.has(k.metadata.name) && (k.spec.dependsOn ?? []).every((d) => !left.has(d.name))) {
          left.delete(k.metadata.name);
          changed = true;
        }
      }
    }
    expect([...left]).toEqual([]);
    const appsKs = cluster.objects.find((o) => o.object.kind === 'Deployment' && o.object.metadata.name === 'energy-ledger')?.by;
    const monitoringKs = cluster.objects.find((o) => o.object.kind === 'HelmRelease' && o.object.metadata.name === 'kube-prometheus-stack')?.by;
    const keplerKs = cluster.objects.find((o) => o.object.kind === 'HelmRelease' && o.object.metadata.name === 'kepler')?.by;
    const deps0 = cluster.kustomizations.find((k) => k.metadata.name === appsKs)?.spec.dependsOn?.map((d) => d.name) ?? [];
    expect(deps0).toEqual(expect.arrayContaining([monitoringKs, keplerKs]));
    expect(cluster.kustomizations.find((k) => k.metadata.name === keplerKs)?.spec.dependsOn?.map((d) => d.name)).toContain(monitoringKs);
  });

  it('gives every Kustomization prune, a timeout and an interval, and either wait or health checks (not both: wait ignores them)', () => {
    for (const k of cluster.kustomizations) {
      const where = `${cluster.dir} Kustomization ${k.metadata.name}`;
      expect(k.spec.prune, where).toBe(true);
      expect(k.spec.timeout, where).toMatch(/^\d+[smh]$/);
      expect(k.spec.interval, where).toMatch(/^\d+[smh]$/);
      const healthChecks = k.spec.healthChecks ?? [];
      expect(k.spec.wait === true !== healthChecks.length > 0, where).toBe(true);
      expect(k.spec.sourceRef, where).toEqual({ kind: 'GitRepository', name: 'flux-system' });
      expect(isKustomization(path.resolve(ROOT, k.spec.path ?? '/nonexistent')), `${where}: path ${k.spec.path}`).toBe(true);
      expect(path.resolve(ROOT, k.spec.path ?? '').startsWith(DEPLOY + path.sep), where).toBe(true);
    }
  });

  it('health-checks only objects its Kustomization applies', () => {
    for (const k of cluster.kustomizations) {
      for (const check of k.spec.healthChecks ?? []) {
        const applied = cluster.objects.filter(
          (o) => o.by === k.metadata.name && o.object.kind === check.kind && o.object.metadata.name === check.name && o.object.metadata.namespace === check.namespace,
        );
        expect(applied.length, `${k.metadata.name} health check ${check.kind}/${check.name}`).toBe(1);
      }
    }
  });

  it('pins every chart to an exact version, and the charts come from OCIRepositories it defines', () => {
    const objects = cluster.objects.map((o) => o.object);
    const releases = objects.filter((o) => o.kind === 'HelmRelease');
    expect(releases.map((r) => r.metadata.name).sort()).toEqual(['kepler', 'kube-prometheus-stack']);
    for (const release of releases) {
      const spec = release.spec as { chartRef?: { kind: string; name: string }; chart?: { spec?: { version?: string } } };
      if (spec.chart !== undefined) {
        expect(spec.chart.spec?.version, release.metadata.name).toMatch(EXACT_VERSION);
        continue;
      }
      expect(spec.chartRef?.kind).toBe('OCIRepository');
      const repo = objects.find((o) => o.kind === 'OCIRepository' && o.metadata.name === spec.chartRef?.name && o.metadata.namespace === release.metadata.namespace);
      const ref = (repo?.spec as { ref?: { tag?: string; digest?: string; semver?: string } } | undefined)?.ref;
      expect(ref?.digest ?? ref?.tag, `${release.metadata.name}: OCIRepository ref`).toMatch(/^(\d+\.\d+\.\d+|sha256:[a-f0-9]{64})$/);
      expect(ref?.semver, `${release.metadata.name}: a semver range is not a pin`).toBeUndefined();
    }
  });

  it('pins the Kepler image to the chart version, and never to latest', () => {
    const objects = cluster.objects.map((o) => o.object);
    const kepler = one(objects, 'HelmRelease', 'kepler').spec as { values: { image: { tag: string } } };
    const chart = one(objects, 'OCIRepository', 'kepler').spec as { ref: { tag: string } };
    expect(kepler.values.image.tag).toBe(`v${chart.ref.tag}`);
  });

  it("gives Kepler's DaemonSet CPU and memory requests and limits, each request within its limit", () => {
    const kepler = one(
      cluster.objects.map((o) => o.object),
      'HelmRelease',
      'kepler',
    ).spec as { values: { daemonset?: { resources?: Container['resources'] } } };
    const resources = kepler.values.daemonset?.resources;
    expect(Object.keys(resources?.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
    expect(Object.keys(resources?.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
    for (const key of ['cpu', 'memory']) {
      expect(quantity(resources?.requests?.[key]), key).toBeGreaterThan(0);
      expect(quantity(resources?.requests?.[key]), key).toBeLessThanOrEqual(quantity(resources?.limits?.[key]));
    }
  });

  it('pins every container image to a version (energy-ledger to the package version)', () => {
    const images = cluster.objects
      .map((o) => o.object)
      .filter((o) => o.kind === 'Deployment')
      .flatMap((d) => (d.spec as unknown as DeploymentSpec).template.spec.containers.map((c) => c.image));
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image).toMatch(/^[^:@]+(:v?\d+\.\d+\.\d+)?(@sha256:[a-f0-9]{64})?$/);
    for (const image of images) expect(image).toMatch(/[:@]/);
    expect(images).toContain(`energy-ledger:${packageVersion()}`);
  });

  it('creates the namespace of every object it applies, apart from flux-system', () => {
    const objects = cluster.objects.map((o) => o.object);
    const created = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
    const orphans = objects.filter((o) => o.metadata.namespace !== undefined && o.metadata.namespace !== 'flux-system' && !created.has(o.metadata.namespace));
    expect(orphans.map((o) => `${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`)).toEqual([]);
  });

  it('runs the app under the restricted Pod Security level', () => {
    const ns = one(
      cluster.objects.map((o) => o.object),
      'Namespace',
      'energy-ledger',
    );
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});

describe('the energy-ledger Deployment', () => {
  it('runs as a non-root user with the RuntimeDefault seccomp profile', () => {
    const pod = deployment().template.spec;
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
    expect(pod.securityContext?.seccompProfile?.type ?? container().securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('has a read-only root filesystem, no privilege escalation and every capability dropped', () => {
    for (const c of deployment().template.spec.containers) {
      expect(c.securityContext?.readOnlyRootFilesystem, c.name).toBe(true);
      expect(c.securityContext?.allowPrivilegeEscalation, c.name).toBe(false);
      expect(c.securityContext?.privileged ?? false, c.name).toBe(false);
      expect(c.securityContext?.capabilities?.drop, c.name).toEqual(['ALL']);
      expect(c.securityContext?.capabilities?.add ?? [], c.name).toEqual([]);
    }
  });

  it('requests and limits CPU and memory', () => {
    for (const c of deployment().template.spec.containers) {
      expect(Object.keys(c.resources?.requests ?? {}).sort(), c.name).toEqual(['cpu', 'memory']);
      expect(Object.keys(c.resources?.limits ?? {}).sort(), c.name).toEqual(['cpu', 'memory']);
    }
  });

  it('probes liveness on /healthz and readiness on /readyz, on the service port 9464', () => {
    const c = container();
    const port = c.ports?.find((p) => p.containerPort === 9464);
    expect(port?.name).toBeDefined();
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: port?.name });
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: port?.name });
  });

  it('is selected by the Service, whose port reaches the container port, and the ServiceMonitor scrapes that port', () => {
    const service = one(app(), 'Service', 'energy-ledger');
    const spec = service.spec as { selector: Record<string, string>; ports: { name: string; port: number; targetPort: string | number }[] };
    expect(matches(spec.selector, deployment().template.metadata.labels)).toBe(true);
    expect(matches(deployment().selector.matchLabels, deployment().template.metadata.labels)).toBe(true);
    const [port] = spec.ports;
    expect(container().ports?.find((p) => p.name === port?.targetPort || p.containerPort === port?.targetPort)?.containerPort).toBe(9464);
    const monitor = one(app(), 'ServiceMonitor', 'energy-ledger').spec as {
      selector: { matchLabels: Record<string, string> };
      endpoints: { port: string; path?: string; honorLabels?: boolean }[];
    };
    expect(matches(monitor.selector.matchLabels, service.metadata.labels)).toBe(true);
    expect(monitor.endpoints.map((e) => e.port)).toEqual([port?.name]);
    // The namespace label on the ledger's series is the workload's; Prometheus must keep it.
    expect(monitor.endpoints[0]?.honorLabels).toBe(true);
  });

  it('lets only Prometheus in on 9464, and out only to DNS and Prometheus on 9090', () => {
    const policy = one(app(), 'NetworkPolicy', 'energy-ledger').spec as {
      podSelector: { matchLabels: Record<string, string> };
      policyTypes: string[];
      ingress: { from: { namespaceSelector?: { matchLabels: Record<string, string> }; podSelector?: { matchLabels: Record<string, string> } }[]; ports: { port: number }[] }[];
      egress: { to: { namespaceSelector?: { matchLabels: Record<string, string> }; podSelector?: { matchLabels: Record<string, string> } }[]; ports: { port: number; protocol: string }[] }[];
    };
    expect(matches(policy.podSelector.matchLabels, deployment().template.metadata.labels)).toBe(true);
    expect([...policy.policyTypes].sort()).toEqual(['Egress', 'Ingress']);
    const prometheus = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } };
    expect(policy.ingress).toEqual([{ from: [prometheus], ports: [{ protocol: 'TCP', port: 9464 }] }]);
    expect(policy.egress.every((rule) => rule.to.length > 0 && rule.ports.length > 0)).toBe(true);
    const egressPorts = policy.egress.flatMap((r) => r.ports.map((p) => `${p.protocol}/${p.port}`)).sort();
    expect(egressPorts).toEqual(['TCP/53', 'TCP/9090', 'UDP/53']);
    expect(policy.egress.find((r) => r.ports.some((p) => p.port === 9090))?.to).toEqual([prometheus]);
  });

  it('has a PodDisruptionBudget that selects it and still lets a node drain', () => {
    const pdb = one(app(), 'PodDisruptionBudget', 'energy-ledger').spec as {
      selector: { matchLabels: Record<string, string> };
      maxUnavailable?: number;
      minAvailable?: number;
    };
    expect(matches(pdb.selector.matchLabels, deployment().template.metadata.labels)).toBe(true);
    const replicas = deployment().replicas ?? 1;
    const allowed = pdb.maxUnavailable ?? replicas - (pdb.minAvailable ?? 0);
    expect(allowed).toBeGreaterThanOrEqual(1);
  });
});

describe('kube-prometheus-stack picks up what the app ships', () => {
  const values = () => {
    const monitoring = clusters()[0]?.objects.map((o) => o.object) ?? [];
    return (one(monitoring, 'HelmRelease', 'kube-prometheus-stack').spec as { values: Record<string, Record<string, Record<string, unknown>>> }).values;
  };

  it('selects ServiceMonitors, PodMonitors and PrometheusRules from every namespace whatever their labels', () => {
    const spec = values().prometheus?.prometheusSpec as Record<string, unknown>;
    for (const kind of ['serviceMonitor', 'podMonitor', 'rule']) {
      expect(spec[`${kind}SelectorNilUsesHelmValues`], kind).toBe(false);
      expect(spec[`${kind}Selector`] ?? {}, kind).toEqual({});
      expect(spec[`${kind}NamespaceSelector`] ?? {}, kind).toEqual({});
    }
  });

  it('loads the dashboard ConfigMap: the Grafana sidecar watches its label in every namespace', () => {
    const sidecar = (values().grafana?.sidecar as { dashboards: { enabled: boolean; label: string; labelValue: string; searchNamespace: string } }).dashboards;
    expect(sidecar.enabled).toBe(true);
    expect(sidecar.searchNamespace).toBe('ALL');
    const dashboards = app().filter((o: K8sObject) => o.kind === 'ConfigMap' && o.metadata.labels?.[sidecar.label] === sidecar.labelValue);
    expect(dashboards.map((d) => d.metadata.name)).toEqual(['energy-ledger-dashboard']);
  });

  it('keeps the Prometheus TSDB on a PersistentVolumeClaim that its size-based retention fits in', () => {
    const spec = values().prometheus?.prometheusSpec as {
      retentionSize?: string;
      storageSpec?: { volumeClaimTemplate?: { spec?: { accessModes?: string[]; resources?: { requests?: { storage?: string } } } } };
    };
    const claim = spec.storageSpec?.volumeClaimTemplate?.spec;
    expect(claim?.accessModes).toEqual(['ReadWriteOnce']);
    const storage = quantity(claim?.resources?.requests?.storage);
    expect(storage).toBeGreaterThanOrEqual(2 ** 30);
    expect(quantity(spec.retentionSize)).toBeLessThan(storage);
    expect(() => quantity('ten gigs')).toThrow('not a quantity');
  });

  it('keeps more history than the app backfills on start', () => {
    const retention = String((values().prometheus?.prometheusSpec as { retention: string }).retention);
    const config = readFileSync(path.join(APP_DIR, 'config.yaml'), 'utf8');
    const backfillHours = Number(/^backfill: (\d+)h$/m.exec(config)?.[1]);
    const retentionHours = Number(/^(\d+)d$/.exec(retention)?.[1]) * 24;
    expect(backfillHours).toBeGreaterThan(0);
    expect(retentionHours).toBeGreaterThan(backfillHours);
  });
});
