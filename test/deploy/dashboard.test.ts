/**
 * The Grafana dashboard: committed files equal the generator's output, the sidecar ConfigMap carries the
 * same JSON, every query is valid PromQL (promtool) and uses only series the service exposes or the
 * generated recording rules record.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { renderDashboardConfigMap, renderDashboardJson } from '../../src/dashboard/render.js';
import { APP_NAMESPACE, DASHBOARD_OUTPUTS } from '../../src/dashboard/write.js';
import { ALL_METRICS, METRICS } from '../../src/exposition/names.js';
import { requireBinary } from '../support/binary.js';
import { metricNames, seriesOf } from './promql-names.js';
import { APP_DIR, ROOT } from './tree.js';

const RULES_FILE = path.join(ROOT, 'rules', 'energy-ledger.rules.yaml');
const committed = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Datasource {
  type: string;
  uid: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: Datasource;
  targets?: { expr: string; datasource?: Datasource }[];
  panels?: Panel[];
}
interface Variable {
  type: string;
  name: string;
  query?: unknown;
  definition?: string;
  datasource?: Datasource;
}
const dashboard = () => JSON.parse(committed(DASHBOARD_OUTPUTS.json)) as { uid: string; panels: Panel[]; templating: { list: Variable[] } };
const panels = (list: Panel[]): Panel[] => list.flatMap((p) => [p, ...panels(p.panels ?? [])]);
const queries = () => [
  ...panels(dashboard().panels).flatMap((p) => (p.targets ?? []).map((t) => ({ where: p.title, expr: t.expr }))),
  ...dashboard().templating.list.flatMap((v) => (v.definition === undefined ? [] : [{ where: 'variable', expr: v.definition }])),
];

/** Series names the service exposes, plus the names the rules generator records (when it has run). */
function knownSeries(): Set<string> {
  const known = new Set(ALL_METRICS.flatMap(seriesOf));
  if (existsSync(RULES_FILE)) {
    const rules = parse(readFileSync(RULES_FILE, 'utf8')) as { groups: { rules: { record?: string }[] }[] };
    for (const group of rules.groups) for (const rule of group.rules) if (rule.record) known.add(rule.record);
  }
  return known;
}

/** Metric names of `exprs` that are not known series. */
const unknownNames = (exprs: readonly string[]) => exprs.flatMap(metricNames).filter((n) => !knownSeries().has(n));

describe('the committed dashboard', () => {
  it('equals the generator’s output (regenerate with `npx tsx src/dashboard/write.ts`)', () => {
    expect(committed(DASHBOARD_OUTPUTS.json)).toBe(renderDashboardJson());
    expect(committed(DASHBOARD_OUTPUTS.configMap)).toBe(renderDashboardConfigMap({ namespace: APP_NAMESPACE }));
  });

  it('is shipped in the app folder as a ConfigMap labelled for the Grafana sidecar, holding the same JSON', () => {
    expect(path.resolve(ROOT, DASHBOARD_OUTPUTS.configMap).startsWith(APP_DIR)).toBe(true);
    const configMap = parse(committed(DASHBOARD_OUTPUTS.configMap)) as { metadata: { labels: Record<string, string> }; data: Record<string, string> };
    expect(configMap.metadata.labels.grafana_dashboard).toBe('1');
    expect(Object.values(configMap.data).map((json) => JSON.parse(json))).toEqual([dashboard()]);
  });

  it('picks its Prometheus in a `datasource` variable, which every panel, target and query variable reads', () => {
    const variables = dashboard().templating.list;
    const picker = variables.filter((v) => v.name === 'datasource');
    expect(picker).toEqual([expect.objectContaining({ type: 'datasource', query: 'prometheus' })]);
    const reads = { type: 'prometheus', uid: '${datasource}' };
    const users = panels(dashboard().panels).filter((p) => p.type !== 'row');
    expect(users.length).toBeGreaterThanOrEqual(10);
    for (const p of users) {
      expect(p.datasource, p.title).toEqual(reads);
      for (const t of p.targets ?? []) expect(t.datasource, p.title).toEqual(reads);
    }
    for (const v of variables.filter((v) => v.type === 'query')) expect(v.datasource, v.name).toEqual(reads);
    // No datasource is named by a uid that only one Grafana has.
    const uids = [...committed(DASHBOARD_OUTPUTS.json).matchAll(/"uid": "([^"]*)"/g)].map((m) => m[1]);
    expect(new Set(uids.filter((uid) => uid !== dashboard().uid))).toEqual(new Set(['${datasource}']));
  });

  it('has the panels the issue asks for', () => {
    const titles = panels(dashboard().panels).map((p) => p.title);
    expect(titles).toEqual(
      expect.arrayContaining(['Namespace power now', 'Energy per hour, last 24 h', 'Top namespaces, last 24 h', 'Node power now', 'Last poll', 'Poll errors by reason', 'Watermark lag']),
    );
  });

  it('shows failed reads of the grid carbon intensity by reason in the service-health row', () => {
    const top = dashboard().panels;
    const health = top.findIndex((p) => p.title === 'energy-ledger health');
    expect(top[health]?.type).toBe('row');
    const next = top.findIndex((p, i) => i > health && p.type === 'row');
    const row = top.slice(health + 1, next === -1 ? undefined : next);
    expect(row.map((p) => p.title)).toContain('Poll errors by reason');
    const exprs = row.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    expect(exprs).toContain(`sum by (reason) (rate(${METRICS.carbonIntensityErrors.name}[5m]))`);
  });

  it('shows every namespace family the service emits, the overflow warning and the __unattributed__ namespace', () => {
    const exprs = queries().map((q) => q.expr);
    const used = new Set(exprs.flatMap(metricNames));
    const namespaceFamilies = ALL_METRICS.filter((m) => m.name.startsWith('energy_ledger_namespace_')).map((m) => m.name);
    expect(namespaceFamilies.filter((n) => !used.has(n))).toEqual([]);
    const joined = exprs.join('\n');
    for (const period of ['current_day', 'previous_day', 'month_to_date']) expect(joined).toContain(`period="${period}"`);
    const descriptions = panels(dashboard().panels).map((p) => p.description ?? '').join('\n');
    expect(descriptions).toContain('__unattributed__');
  });

  it('lays panels out on the 24-column grid with unique ids and no overlaps', () => {
    const all = panels(dashboard().panels);
    expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
    for (const p of all) expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
    const cells = new Set<string>();
    for (const p of all)
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++)
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          expect(cells.has(`${x},${y}`), `${p.title} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
  });

  it('queries only series the service exposes or the generated recording rules record', () => {
    const exprs = queries().map((q) => q.expr);
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    expect(unknownNames(exprs)).toEqual([]);
    expect(new Set(exprs.flatMap(metricNames)).size).toBeGreaterThanOrEqual(8);
  });

  it('would flag a query on a series nobody exposes (so the check above can fail)', () => {
    expect(unknownNames(['sum(rate(kepler_pod_cpu_joules_total[5m]))', 'energy_ledger_namespace_energy_watts'])).toEqual([
      'kepler_pod_cpu_joules_total',
      'energy_ledger_namespace_energy_watts',
    ]);
  });

  it('uses only label values the service emits: the periods of src/core/ledger/periods.ts, budget periods day/month, windows from the deployed config', () => {
    const exprs = queries().map((q) => q.expr).join('\n');
    const windows = [...exprs.matchAll(/window="([^"]+)"/g)].map((m) => m[1]);
    expect(windows.length).toBeGreaterThan(0);
    const configWindows = /^windows: \[(.*)\]$/m.exec(readFileSync(path.join(APP_DIR, 'config.yaml'), 'utf8'))?.[1]?.split(/,\s*/);
    expect(configWindows).toEqual(expect.arrayContaining(windows));
    // Each `period="…"` with the metric whose selector holds it: budgets have their own period values.
    const periods = [...exprs.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{[^}]*period="([^"]+)"/g)].map((m) => ({ metric: m[1], period: m[2] }));
    expect(periods.length).toBeGreaterThan(0);
    for (const { metric, period } of periods) {
      const allowed = metric === METRICS.namespaceBudget.name ? ['day', 'month'] : ['current_hour', 'previous_hour', 'current_day', 'previous_day', 'month_to_date'];
      expect(allowed, metric).toContain(period);
    }
  });

  describe('PromQL syntax (promtool check rules)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'energy-ledger-dashboard-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** Runs promtool on the queries, Grafana variables replaced by what Grafana would send. */
    const check = (exprs: readonly string[]) => {
      const expand = (e: string) => e.replaceAll('$__rate_interval', '2m').replaceAll('$namespace', '.*');
      const rules = { groups: [{ name: 'dashboard', rules: exprs.map((e, i) => ({ record: `dashboard:query:${i}`, expr: expand(e) })) }] };
      const file = path.join(dir, `rules-${exprs.length}.yaml`);
      writeFileSync(file, stringify(rules));
      return execFileSync(requireBinary('promtool', 'prometheus'), ['check', 'rules', file], { encoding: 'utf8', stdio: 'pipe' });
    };

    it('accepts every panel query', () => {
      const exprs = queries()
        .filter((q) => q.where !== 'variable')
        .map((q) => q.expr);
      expect(check(exprs)).toContain(`SUCCESS: ${exprs.length} rules found`);
    });

    it('rejects a malformed query (so the check above can fail)', () => {
      expect(() => check(['sum(rate(energy_ledger_up[5m])'])).toThrow();
    });
  });
});
