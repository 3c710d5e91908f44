/**
 * Writes the dashboard: `dashboards/energy-ledger.json` (import it into any Grafana) and
 * `deploy/apps/energy-ledger/grafana-dashboard.yaml` (the sidecar ConfigMap).
 * Run from the repository root: `npx tsx src/dashboard/write.ts`. test/deploy fails when they drift.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DASHBOARD_FILE, renderDashboardConfigMap, renderDashboardJson } from './render.js';

/** Where the two outputs go, relative to the repository root. */
export const DASHBOARD_OUTPUTS = {
  json: path.join('dashboards', DASHBOARD_FILE),
  configMap: path.join('deploy', 'apps', 'energy-ledger', 'grafana-dashboard.yaml'),
} as const;

/** The namespace the app is deployed to. */
export const APP_NAMESPACE = 'energy-ledger';

/** Writes both outputs under `root`. */
async function writeDashboards(root: string): Promise<void> {
  const outputs: [string, string][] = [
    [DASHBOARD_OUTPUTS.json, renderDashboardJson()],
    [DASHBOARD_OUTPUTS.configMap, renderDashboardConfigMap({ namespace: APP_NAMESPACE })],
  ];
  for (const [file, text] of outputs) {
    const target = path.join(root, file);
    try {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, text);
    } catch (error) {
      throw new Error(`failed to write dashboard ${file}: ${(error as Error).message}`, { cause: error });
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeDashboards(process.cwd());
}
