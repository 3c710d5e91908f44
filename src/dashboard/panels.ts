/**
 * Small builders for the Grafana JSON model (schema 39, Grafana 10/11): panels, targets and layout.
 * Only what the energy-ledger dashboard uses; every panel reads the Prometheus datasource picked in the
 * dashboard's `datasource` variable, as the dashboards of kube-prometheus-stack and Kepler do.
 */

/** Name of the dashboard variable that picks the Prometheus datasource. */
export const DATASOURCE_VARIABLE = 'datasource';

/** The datasource every panel, target and query variable uses: whichever the variable holds. */
export const DATASOURCE = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` } as const;

/** One PromQL query of a panel. */
export interface Target {
  readonly refId: string;
  readonly datasource: typeof DATASOURCE;
  readonly expr: string;
  readonly legendFormat: string;
  readonly range: boolean;
  readonly instant: boolean;
  /** Minimum step, e.g. `1h` for hourly bars. */
  readonly interval?: string;
}

/** A panel as Grafana stores it. */
export interface Panel {
  readonly id: number;
  readonly type: 'row' | 'timeseries' | 'stat' | 'bargauge';
  readonly title: string;
  readonly description?: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource?: typeof DATASOURCE;
  readonly targets?: readonly Target[];
  readonly fieldConfig?: unknown;
  readonly options?: unknown;
  readonly timeFrom?: string;
  readonly collapsed?: boolean;
  readonly panels?: readonly Panel[];
}

/** What a panel needs before layout gives it an id and a position. */
export interface PanelSpec {
  readonly type: 'timeseries' | 'stat' | 'bargauge';
  readonly title: string;
  readonly description: string;
  readonly width: number;
  readonly height: number;
  readonly unit: string;
  readonly queries: readonly { readonly expr: string; readonly legend?: string; readonly instant?: boolean; readonly interval?: string }[];
  /** `bars`: stacked hourly bars; `line` (default) for time series. */
  readonly style?: 'bars' | 'line';
  /** Relative time range overriding the dashboard's, e.g. `24h`. */
  readonly timeFrom?: string;
  /** Red from this value on (stat panels). */
  readonly redFrom?: number;
  /** Value → text mappings for stat panels, e.g. 1 → UP. */
  readonly mappings?: readonly { readonly value: number; readonly text: string; readonly color: string }[];
}

/** A titled row of panels. */
export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

const GRID_WIDTH = 24;

function targets(spec: PanelSpec): Target[] {
  return spec.queries.map((q, i) => ({
    refId: String.fromCharCode(65 + i),
    datasource: DATASOURCE,
    expr: q.expr,
    legendFormat: q.legend ?? '__auto',
    range: !(q.instant ?? false),
    instant: q.instant ?? false,
    ...(q.interval === undefined ? {} : { interval: q.interval }),
  }));
}

function fieldConfig(spec: PanelSpec): unknown {
  const thresholds = {
    mode: 'absolute',
    steps: [{ color: 'green', value: null }, ...(spec.redFrom === undefined ? [] : [{ color: 'red', value: spec.redFrom }])],
  };
  const mappings = (spec.mappings ?? []).map((m) => ({
    type: 'value',
    options: { [String(m.value)]: { text: m.text, color: m.color } },
  }));
  const custom =
    spec.type !== 'timeseries'
      ? undefined
      : spec.style === 'bars'
        ? { drawStyle: 'bars', fillOpacity: 80, lineWidth: 1, stacking: { mode: 'normal', group: 'A' } }
        : { drawStyle: 'line', fillOpacity: 10, lineWidth: 1, stacking: { mode: 'none', group: 'A' } };
  return { defaults: { unit: spec.unit, min: 0, thresholds, mappings, ...(custom ? { custom } : {}) }, overrides: [] };
}

function options(spec: PanelSpec): unknown {
  switch (spec.type) {
    case 'timeseries':
      return {
        legend: { displayMode: 'table', placement: 'right', showLegend: true, calcs: spec.style === 'bars' ? ['sum'] : ['lastNotNull'] },
        tooltip: { mode: 'multi', sort: 'desc' },
      };
    case 'stat':
      return { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'background', graphMode: 'none', textMode: 'value' };
    case 'bargauge':
      return { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, orientation: 'horizontal', displayMode: 'basic', showUnfilled: true };
  }
}

/** Lays rows out top to bottom, panels left to right (wrapping at 24 columns), ids from 1. */
export function layout(rows: readonly RowSpec[]): Panel[] {
  const panels: Panel[] = [];
  let y = 0;
  for (const row of rows) {
    panels.push({ id: panels.length + 1, type: 'row', title: row.title, collapsed: false, gridPos: { x: 0, y, w: GRID_WIDTH, h: 1 }, panels: [] });
    y += 1;
    let x = 0;
    let rowHeight = 0;
    for (const spec of row.panels) {
      if (x + spec.width > GRID_WIDTH) {
        x = 0;
        y += rowHeight;
        rowHeight = 0;
      }
      panels.push({
        id: panels.length + 1,
        type: spec.type,
        title: spec.title,
        description: spec.description,
        gridPos: { x, y, w: spec.width, h: spec.height },
        datasource: DATASOURCE,
        targets: targets(spec),
        fieldConfig: fieldConfig(spec),
        options: options(spec),
        ...(spec.timeFrom === undefined ? {} : { timeFrom: spec.timeFrom }),
      });
      x += spec.width;
      rowHeight = Math.max(rowHeight, spec.height);
    }
    y += rowHeight;
  }
  return panels;
}
