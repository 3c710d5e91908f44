/** The app's ConfigMap carries a config the service accepts, pointing at the Prometheus the cluster runs. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { kustomize } from './build.js';
import { clusters, one } from './cluster.js';
import { APP_DIR } from './tree.js';

const configMap = () => {
  const found = kustomize(APP_DIR).filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('energy-ledger-config-'));
  expect(found).toHaveLength(1);
  return found[0]?.data ?? {};
};
const text = () => configMap()['config.yaml'] ?? '';
const load = (t = text()) => loadConfig({ file: { text: t, name: 'deploy/apps/energy-ledger/config.yaml' } });

describe('the energy-ledger ConfigMap', () => {
  it('holds config.yaml exactly as written in deploy/apps/energy-ledger', () => {
    expect(Object.keys(configMap())).toEqual(['config.yaml']);
    expect(text()).toBe(readFileSync(path.join(APP_DIR, 'config.yaml'), 'utf8'));
  });

  it('loads with the service’s own loadConfig', () => {
    expect(() => load()).not.toThrow();
  });

  it('would be refused by loadConfig if it carried an unknown key (so the check above can fail)', () => {
    expect(() => load(`${text()}\nbogus_key: 1\n`)).toThrow(ConfigError);
  });

  it('reads from the Prometheus service kube-prometheus-stack creates', () => {
    const release = one(
      clusters()[0]?.objects.map((o) => o.object) ?? [],
      'HelmRelease',
      'kube-prometheus-stack',
    );
    // Flux's release name is the HelmRelease name; the chart names the service <release>-prometheus on 9090.
    expect(load().prometheus.url).toBe(`http://${release.metadata.name}-prometheus.${release.metadata.namespace}.svc:9090`);
  });

  it('listens on the port the Deployment, Service and probes use', () => {
    const config = load();
    expect(config.listen.port).toBe(9464);
    const deployment = JSON.stringify(one(kustomize(APP_DIR), 'Deployment', 'energy-ledger'));
    expect(deployment).toContain(`"containerPort":${config.listen.port}`);
    expect(deployment).toContain('"/etc/energy-ledger/config.yaml"');
  });

  it('keeps the 1 h and 24 h windows the dashboard and docs/deploy.md query', () => {
    expect(load().windows.map((w) => w.label)).toEqual(expect.arrayContaining(['1h', '24h']));
  });
});
