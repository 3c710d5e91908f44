/**
 * The status page at `/`: power per namespace now, the last 24 hours per namespace as inline SVG bars,
 * node energy and the service's health. One self-contained HTML document (inline CSS and SVG, no
 * script, no external resource) so it works offline and behind any proxy; it reloads itself.
 */
import { parseDuration } from '../core/duration.js';
import { hourStartOf } from '../core/ledger/index.js';
import { formatRfc3339Utc as formatTime, HOUR_SECONDS } from '../core/time.js';
import type { GroupEnergy, HourRow, LedgerSnapshot } from '../core/types.js';
import { zoneHint } from '../core/schema/zones.js';
import type { KeplerSchemaInfo } from '../exposition/health.js';

/** Everything the page shows; `now` is the wall clock (unix seconds) for ages and lag. */
export interface StatusPageInput {
  readonly version: string;
  readonly keplerSchemas: readonly KeplerSchemaInfo[];
  readonly snapshot: LedgerSnapshot;
  /** Hour rows of the namespaces for the {@link HOURS_SHOWN} hours ending with the watermark's hour. */
  readonly hours: readonly HourRow[];
  readonly now: number;
  readonly lastPollSuccess?: number;
  readonly ready?: boolean;
  /** Kepler zones seen that `kepler.zones` does not map: their energy is not counted. */
  readonly unknownZones?: readonly string[];
  /** Seconds between reloads of the page. */
  readonly refreshSeconds?: number;
}

/** Hours drawn per namespace chart. */
export const HOURS_SHOWN = 24;
/** Namespaces in the power table and hour charts. */
const TOP_NAMESPACES = 10;
const DEFAULT_REFRESH_SECONDS = 30;
/** Window the power is computed from when configured (else the shortest window). */
const POWER_WINDOW = '5m';
/** Watermark lag beyond which the health block shows the data as stale. */
const STALE_LAG_SECONDS = 600;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * First hour start (unix seconds) of the charts for a watermark: the 24 hours ending with its hour, which is
 * the ledger's hour `(a, a + 3600]` holding it (a watermark exactly on the hour ends the hour before).
 */
export function chartFromHour(watermark: number): number {
  return hourStartOf(watermark) - (HOURS_SHOWN - 1) * HOUR_SECONDS;
}

/** The window the page reads power from and its length: `5m` if configured, else the shortest. */
export function powerWindow(snapshot: LedgerSnapshot): { label: string; seconds: number } | undefined {
  // A group carried by its counter alone has no windows.
  const withWindows = (groups: LedgerSnapshot['namespaces']) => groups.find((g) => Object.keys(g.windows).length > 0)?.windows;
  const labels = Object.keys(withWindows(snapshot.namespaces) ?? withWindows(snapshot.nodes) ?? {});
  if (labels.length === 0) return undefined;
  if (labels.includes(POWER_WINDOW)) return { label: POWER_WINDOW, seconds: parseDuration(POWER_WINDOW) };
  const sized = labels.map((label) => ({ label, seconds: parseDuration(label) }));
  return sized.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

/** Renders the page. */
export function renderStatusPage(input: StatusPageInput): string {
  const refresh = input.refreshSeconds ?? DEFAULT_REFRESH_SECONDS;
  const window = powerWindow(input.snapshot);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${refresh}">
<title>energy-ledger status</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header><h1>energy-ledger ${escapeHtml(input.version)}</h1><p>Exact per-namespace energy from Kepler counters. This page reloads every ${refresh} s.</p></header>
${healthBlock(input)}
${powerBlock(input.snapshot, window)}
${hoursBlock(input)}
${nodesBlock(input.snapshot, window)}
<footer><a href="metrics">/metrics</a> · <a href="api/v1/namespaces">/api/v1/namespaces</a> · <a href="api/v1/nodes">/api/v1/nodes</a> · <a href="api/v1/hours">/api/v1/hours</a> · <a href="api/v1/status">/api/v1/status</a> · <a href="healthz">/healthz</a> · <a href="readyz">/readyz</a></footer>
</body>
</html>
`;
}

function healthBlock(input: StatusPageInput): string {
  const { watermark } = input.snapshot;
  const schema =
    input.keplerSchemas.length === 0
      ? 'not detected yet'
      : input.keplerSchemas.map((k) => `${k.schema} (Kepler ${k.version})`).join(', ');
  const lag = watermark === undefined ? undefined : Math.max(0, input.now - watermark);
  const stale = lag === undefined || lag > STALE_LAG_SECONDS;
  const poll =
    input.lastPollSuccess === undefined
      ? 'none yet'
      : `${formatTime(input.lastPollSuccess)} (${formatAge(input.now - input.lastPollSuccess)} ago)`;
  const ready = input.ready === undefined ? '' : `<dt>Ready</dt><dd>${input.ready ? 'yes' : 'no: backfill not complete'}</dd>`;
  return `<section id="health" class="${stale ? 'stale' : 'ok'}"><h2>Health</h2><dl>
${ready}<dt>Last successful poll</dt><dd id="last-poll">${escapeHtml(poll)}</dd>
<dt>Data watermark</dt><dd id="watermark">${watermark === undefined ? 'no data yet' : escapeHtml(formatTime(watermark))}</dd>
<dt>Watermark lag</dt><dd id="lag">${lag === undefined ? 'no data yet' : `${escapeHtml(formatAge(lag))}${stale ? ' (stale)' : ''}`}</dd>
<dt>Kepler schema</dt><dd id="schema">${escapeHtml(schema)}</dd>
<dt>Namespaces</dt><dd>${input.snapshot.namespaces.length}</dd>
${unknownZonesRow(input.unknownZones ?? [])}</dl></section>`;
}

/** The unknown zones, each with the config line that would count it; nothing when there are none. */
function unknownZonesRow(zones: readonly string[]): string {
  if (zones.length === 0) return '';
  const items = zones.map((z) => `<li><code>${escapeHtml(z)}</code>: not counted; to count it set <code>${escapeHtml(zoneHint(z))}</code></li>`);
  return `<dt>Unknown Kepler zones</dt><dd id="unknown-zones"><ul>${items.join('')}</ul></dd>\n`;
}

function powerBlock(snapshot: LedgerSnapshot, window: { label: string; seconds: number } | undefined): string {
  if (window === undefined) return '<section id="power"><h2>Power now</h2><p>No data yet.</p></section>';
  const watts = (g: GroupEnergy) => ((g.windows[window.label] ?? 0) * HOUR_SECONDS) / window.seconds;
  const top = [...snapshot.namespaces].sort((a, b) => watts(b) - watts(a)).slice(0, TOP_NAMESPACES);
  const max = Math.max(...top.map(watts), 0);
  const rows = top
    .map((g) => {
      const w = watts(g);
      const pct = max > 0 ? Math.max(0, (100 * w) / max) : 0;
      return `<tr><td class="name">${escapeHtml(nameOf(g.labels))}</td><td class="num">${formatNumber(w)} W</td><td class="meter"><span style="width:${pct.toFixed(1)}%"></span></td></tr>`;
    })
    .join('\n');
  const total = snapshot.namespaces.reduce((s, g) => s + watts(g), 0);
  return `<section id="power"><h2>Top namespaces by power now</h2>
<p class="note">Mean power over the last ${escapeHtml(window.label)} up to the watermark: the window's watt-hours × ${formatNumber(HOUR_SECONDS / window.seconds)}. All ${snapshot.namespaces.length} namespaces: ${formatNumber(total)} W.</p>
<table><thead><tr><th>Namespace</th><th class="num">Power</th><th></th></tr></thead><tbody>
${rows}
</tbody></table></section>`;
}

function hoursBlock(input: StatusPageInput): string {
  const { watermark } = input.snapshot;
  if (watermark === undefined) return '<section id="hours"><h2>Last 24 hours</h2><p>No data yet.</p></section>';
  const from = chartFromHour(watermark);
  const byName = new Map<string, { labels: readonly string[]; wh: number[] }>();
  for (const row of input.hours) {
    const slot = (row.hourStart - from) / HOUR_SECONDS;
    if (!Number.isInteger(slot) || slot < 0 || slot >= HOURS_SHOWN) continue;
    const key = JSON.stringify(row.labels);
    let entry = byName.get(key);
    if (entry === undefined) byName.set(key, (entry = { labels: row.labels, wh: new Array<number>(HOURS_SHOWN).fill(0) }));
    entry.wh[slot]! += row.joules / HOUR_SECONDS;
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const top = [...byName.values()].sort((a, b) => sum(b.wh) - sum(a.wh)).slice(0, TOP_NAMESPACES);
  const charts = top
    .map((e) => `<figure class="chart"><figcaption><span class="name">${escapeHtml(nameOf(e.labels))}</span> <span class="num">${formatNumber(sum(e.wh))} Wh</span></figcaption>${barChart(e.wh, from)}</figure>`)
    .join('\n');
  return `<section id="hours"><h2>Last 24 hours per namespace</h2>
<p class="note">Energy per clock hour (UTC), ${escapeHtml(formatTime(from))} to ${escapeHtml(formatTime(from + HOURS_SHOWN * HOUR_SECONDS))}; the last bar is the current, partial hour. Each chart has its own scale.</p>
${charts === '' ? '<p>No energy in these hours.</p>' : charts}
</section>`;
}

const BAR_W = 10;
const BAR_GAP = 2;
const CHART_H = 48;

function barChart(wh: readonly number[], from: number): string {
  const max = Math.max(...wh, 0);
  const width = wh.length * (BAR_W + BAR_GAP);
  const bars = wh
    .map((v, i) => {
      const h = max > 0 ? Math.max(v > 0 ? 1 : 0, (CHART_H * Math.max(v, 0)) / max) : 0;
      const hour = formatTime(from + i * HOUR_SECONDS).slice(11, 16);
      const cls = i === wh.length - 1 ? 'bar current' : 'bar';
      return `<rect class="${cls}" x="${i * (BAR_W + BAR_GAP)}" y="${(CHART_H - h).toFixed(2)}" width="${BAR_W}" height="${h.toFixed(2)}"><title>${hour} UTC: ${formatNumber(v)} Wh</title></rect>`;
    })
    .join('');
  return `<svg class="hours" viewBox="0 0 ${width} ${CHART_H}" width="${width * 1.5}" height="${CHART_H * 1.5}" role="img" aria-label="energy per hour, peak ${formatNumber(max)} Wh" xmlns="http://www.w3.org/2000/svg"><line x1="0" y1="${CHART_H}" x2="${width}" y2="${CHART_H}" class="axis"/>${bars}</svg>`;
}

function nodesBlock(snapshot: LedgerSnapshot, window: { label: string; seconds: number } | undefined): string {
  const rows = snapshot.nodes
    .map((g) => {
      const power = window === undefined ? '' : `${formatNumber(((g.windows[window.label] ?? 0) * HOUR_SECONDS) / window.seconds)} W`;
      return `<tr><td class="name">${escapeHtml(nameOf(g.labels))}</td><td class="num">${power}</td><td class="num">${formatNumber(g.periods['current_hour'] ?? 0)} Wh</td><td class="num">${Number.isNaN(g.totalJoules) ? 'restoring' : `${formatNumber(g.totalJoules / 3.6e6)} kWh`}</td></tr>`;
    })
    .join('\n');
  return `<section id="nodes"><h2>Node energy</h2>
<p class="note">Node-level counters, idle energy included: Kepler does not attribute idle energy to namespaces (see the <code>unattributed</code> option).</p>
<table><thead><tr><th>Node</th><th class="num">Power now</th><th class="num">This hour</th><th class="num">Month to date</th></tr></thead><tbody>
${rows === '' ? '<tr><td colspan="4">No data yet.</td></tr>' : rows}
</tbody></table></section>`;
}

function nameOf(labels: readonly string[]): string {
  return labels.join(' / ');
}

function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return x.toLocaleString('en-US', { maximumSignificantDigits: 3, maximumFractionDigits: 3 });
}

function formatAge(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / HOUR_SECONDS).toFixed(1)} h`;
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem auto;max-width:64rem;padding:0 1rem;color:#1d2430;background:#fafbfc}
h1{font-size:1.4rem;margin:0}h2{font-size:1.1rem;margin:0 0 .5rem}
header p,.note{color:#5a6473;margin:.25rem 0 .75rem}
section{background:#fff;border:1px solid #dde2e8;border-radius:6px;padding:1rem;margin:1rem 0}
#health{border-left:6px solid #2e9e5b}#health.stale{border-left-color:#d08a1c}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}dt{color:#5a6473}dd{margin:0}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.2rem .5rem;border-bottom:1px solid #eef1f4}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.name{word-break:break-all}
.meter{width:40%}.meter span{display:block;height:.7rem;background:#3d7dd8;border-radius:2px}
.chart{display:inline-block;margin:.4rem 1rem .4rem 0;vertical-align:top}
figcaption{font-size:12px;display:flex;justify-content:space-between;gap:1rem}
svg.hours .bar{fill:#3d7dd8}svg.hours .bar.current{fill:#9bbce9}svg.hours .axis{stroke:#b8c1cc;stroke-width:1}
footer{color:#5a6473;font-size:12px}footer a{color:#3d6fb8}
`;
