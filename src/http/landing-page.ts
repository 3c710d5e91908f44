/** The small HTML page at `/`: what this is, where the data is, how fresh it is. */
import type { KeplerSchemaInfo } from '../exposition/health.js';
import { formatRfc3339Utc as formatTime } from '../core/time.js';

/** What the landing page shows. */
export interface LandingInfo {
  readonly version: string;
  readonly keplerSchemas: readonly KeplerSchemaInfo[];
  readonly watermark: number | undefined;
  readonly namespaces: number;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Renders the landing page. */
export function renderLandingPage(info: LandingInfo): string {
  const schema =
    info.keplerSchemas.length === 0
      ? 'not detected yet'
      : info.keplerSchemas.map((k) => `${k.schema} (Kepler ${k.version})`).join(', ');
  const watermark = info.watermark === undefined ? 'no data yet' : formatTime(info.watermark);
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>energy-ledger</title></head>
<body>
<h1>energy-ledger ${escapeHtml(info.version)}</h1>
<p>Exact per-namespace energy accounting from Kepler counters.</p>
<ul>
<li><a href="metrics">/metrics</a> (Prometheus text format)</li>
<li><a href="api/v1/namespaces">/api/v1/namespaces</a>, <a href="api/v1/nodes">/api/v1/nodes</a>, <a href="api/v1/hours">/api/v1/hours</a>, <a href="api/v1/status">/api/v1/status</a> (JSON)</li>
<li><a href="healthz">/healthz</a>, <a href="readyz">/readyz</a></li>
</ul>
<dl>
<dt>Kepler schema</dt><dd>${escapeHtml(schema)}</dd>
<dt>Data watermark</dt><dd>${escapeHtml(watermark)}</dd>
<dt>Namespaces</dt><dd>${info.namespaces}</dd>
</dl>
</body>
</html>
`;
}
