/**
 * The energy-ledger Grafana dashboard, built from the metric names in `src/exposition/names.ts`, so it
 * can only query series the service exposes (helpers in `queries.ts`).
 */
import { METRICS } from '../exposition/names.js';
import { ACCOUNTING_ROWS } from './accounting-rows.js';
import { layout, DATASOURCE, DATASOURCE_VARIABLE, type Panel, type RowSpec } from './panels.js';
import { dedup, hourly, HOURLY_NOTE, NS, power, UNATTRIBUTED_NOTE } from './queries.js';

/** Grafana's uid of the dashboard (stable across imports). */
const DASHBOARD_UID = 'energy-ledger';

/** The dashboard as Grafana stores it. */
export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly unknown[] };
  readonly [key: string]: unknown;
}

const ROWS: readonly RowSpec[] = [
  {
    title: 'Namespaces',
    panels: [
      {
        type: 'timeseries',
        title: 'Namespace power now',
        description: `rate() of ${METRICS.namespaceJoules.name}: average power of each workload namespace, in watts.`,
        width: 16,
        height: 9,
        unit: 'watt',
        queries: [{ expr: power(METRICS.namespaceJoules.name, `{${NS}}`), legend: '{{namespace}}' }],
      },
      {
        type: 'stat',
        title: 'Total power now',
        description: 'Sum of the namespaces’ power, in watts.',
        width: 8,
        height: 9,
        unit: 'watt',
        queries: [{ expr: `sum(${power(METRICS.namespaceJoules.name, `{${NS}}`)})`, instant: true }],
      },
      {
        type: 'timeseries',
        title: 'Energy per hour, last 24 h',
        description: `${HOURLY_NOTE} Watt-hours, stacked by namespace. ${UNATTRIBUTED_NOTE}`,
        width: 16,
        height: 10,
        unit: 'watth',
        style: 'bars',
        timeFrom: '24h',
        queries: [{ expr: hourly(METRICS.namespacePeriod.name, `, ${NS}`), legend: '{{namespace}}', interval: '1h' }],
      },
      {
        type: 'bargauge',
        title: 'Top namespaces, last 24 h',
        description: `${METRICS.namespaceWindow.name}{window="24h"}: energy of the trailing 24 hours up to the data watermark, in watt-hours. ${UNATTRIBUTED_NOTE}`,
        width: 8,
        height: 10,
        unit: 'watth',
        queries: [{ expr: `topk(10, ${dedup(`${METRICS.namespaceWindow.name}{window="24h", ${NS}}`)})`, legend: '{{namespace}}', instant: true }],
      },
    ],
  },
  ...ACCOUNTING_ROWS,
  {
    title: 'Nodes',
    panels: [
      {
        type: 'timeseries',
        title: 'Node power now',
        description: `rate() of ${METRICS.nodeJoules.name}: average power of each node, in watts.`,
        width: 8,
        height: 9,
        unit: 'watt',
        queries: [{ expr: power(METRICS.nodeJoules.name, ''), legend: '{{node}}' }],
      },
      {
        type: 'timeseries',
        title: 'Node energy per hour, last 24 h',
        description: `${HOURLY_NOTE} Watt-hours, stacked by node.`,
        width: 8,
        height: 9,
        unit: 'watth',
        style: 'bars',
        timeFrom: '24h',
        queries: [{ expr: hourly(METRICS.nodePeriod.name, ''), legend: '{{node}}', interval: '1h' }],
      },
      {
        type: 'bargauge',
        title: 'Node energy, last 24 h',
        description: `${METRICS.nodeWindow.name}{window="24h"}, in watt-hours.`,
        width: 8,
        height: 9,
        unit: 'watth',
        queries: [{ expr: dedup(`${METRICS.nodeWindow.name}{window="24h"}`), legend: '{{node}}', instant: true }],
      },
    ],
  },
  {
    title: 'energy-ledger health',
    panels: [
      {
        type: 'stat',
        title: 'Last poll',
        description: `${METRICS.up.name}: whether the last poll of the Prometheus API succeeded (lowest over replicas).`,
        width: 4,
        height: 6,
        unit: 'none',
        queries: [{ expr: `min(${METRICS.up.name})`, instant: true }],
        mappings: [
          { value: 1, text: 'UP', color: 'green' },
          { value: 0, text: 'DOWN', color: 'red' },
        ],
      },
      {
        type: 'stat',
        title: 'Watermark lag',
        description: `Age of the newest Kepler sample accounted (${METRICS.dataWatermark.name}); red past 10 minutes.`,
        width: 4,
        height: 6,
        unit: 's',
        redFrom: 600,
        queries: [{ expr: `max(time() - ${METRICS.dataWatermark.name})`, instant: true }],
      },
      {
        type: 'stat',
        title: 'Namespace overflow',
        description: `${METRICS.namespaceOverflowSeries.name}: Kepler series whose namespace is beyond max_namespaces, summed into namespace="__other__"; red above 0 (raise max_namespaces or group_by fewer labels).`,
        width: 4,
        height: 6,
        unit: 'short',
        redFrom: 1,
        queries: [{ expr: `max(${METRICS.namespaceOverflowSeries.name})`, instant: true }],
      },
      {
        type: 'timeseries',
        title: 'Watermark lag and poll duration',
        description: 'How far behind the ledger is, and how long polls take (90th percentile).',
        width: 12,
        height: 6,
        unit: 's',
        queries: [
          { expr: `max(time() - ${METRICS.dataWatermark.name})`, legend: 'watermark lag' },
          {
            expr: `histogram_quantile(0.9, sum by (le) (rate(${METRICS.pollDuration.name}_bucket[$__rate_interval])))`,
            legend: 'poll duration p90',
          },
        ],
      },
      {
        type: 'timeseries',
        title: 'Poll errors by reason',
        description: `increase() of ${METRICS.pollErrors.name}: failed polls of the Prometheus API.`,
        width: 12,
        height: 6,
        unit: 'short',
        queries: [{ expr: `sum by (reason) (increase(${METRICS.pollErrors.name}[$__rate_interval]))`, legend: '{{reason}}' }],
      },
      {
        type: 'timeseries',
        title: 'Carbon intensity read errors by reason',
        description:
          `rate() of ${METRICS.carbonIntensityErrors.name}: failed reads of the grid carbon intensity (carbon.intensity_selector or carbon.intensity_query), per second. ` +
          'Energy is unaffected; while reads fail, carbon uses the last hour whose intensity was read, or is left out when none is known ' +
          '(alert: EnergyLedgerCarbonIntensityFailing).',
        width: 12,
        height: 6,
        unit: 'rps',
        queries: [{ expr: `sum by (reason) (rate(${METRICS.carbonIntensityErrors.name}[5m]))`, legend: '{{reason}}' }],
      },
      {
        type: 'timeseries',
        title: 'Re-read factor',
        description:
          `Samples read from the Prometheus API per sample accounted: rate() of ${METRICS.samplesRead.name} over rate() of ${METRICS.samples.name}, all replicas and shards. ` +
          `About 2 in steady state with adaptive_overlap (the default), about 11 without; it rises for a while after samples arrive late (${METRICS.samplesLate.name}).`,
        width: 12,
        height: 6,
        unit: 'none',
        queries: [
          { expr: `sum(rate(${METRICS.samplesRead.name}[$__rate_interval])) / sum(rate(${METRICS.samples.name}[$__rate_interval]))`, legend: 're-read factor' },
          { expr: `sum(rate(${METRICS.samplesLate.name}[$__rate_interval])) / sum(rate(${METRICS.samples.name}[$__rate_interval]))`, legend: 'late fraction' },
        ],
      },
    ],
  },
];

/** Builds the dashboard. */
export function buildDashboard(): Dashboard {
  return {
    uid: DASHBOARD_UID,
    title: 'energy-ledger: namespace energy',
    description: 'Exact per-namespace and per-node energy from Kepler counters, accounted by energy-ledger.',
    tags: ['energy', 'kepler', 'energy-ledger'],
    timezone: 'utc',
    editable: true,
    graphTooltip: 1,
    refresh: '30s',
    schemaVersion: 39,
    time: { from: 'now-24h', to: 'now' },
    templating: {
      list: [
        // Any Prometheus datasource, the default one first: the JSON imports into any Grafana.
        {
          type: 'datasource',
          name: DATASOURCE_VARIABLE,
          label: 'Data source',
          query: 'prometheus',
          current: { selected: false, text: 'default', value: 'default' },
          regex: '',
          refresh: 1,
          hide: 0,
          includeAll: false,
          multi: false,
          options: [],
        },
        {
          type: 'query',
          name: 'namespace',
          label: 'Namespace',
          datasource: DATASOURCE,
          // The window gauge, not the joules counter: `__unattributed__` has only gauges.
          query: { query: `label_values(${METRICS.namespaceWindow.name}, namespace)`, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
          definition: `label_values(${METRICS.namespaceWindow.name}, namespace)`,
          refresh: 2,
          sort: 1,
          multi: true,
          includeAll: true,
          allValue: '.*',
          current: { selected: true, text: ['All'], value: ['$__all'] },
        },
      ],
    },
    annotations: { list: [] },
    links: [],
    panels: layout(ROWS),
  };
}
