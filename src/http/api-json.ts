/** JSON bodies of the read-only API (`/api/v1/...`), built from a snapshot or hour rows. */
import type { GroupEnergy, HourRow, LedgerSnapshot } from '../core/types.js';
import { formatRfc3339Utc as formatTime, HOUR_SECONDS } from '../core/time.js';

/** One group (namespace or node) as the API shows it. */
export interface GroupJson {
  readonly labels: Record<string, string>;
  readonly total_joules: number;
  readonly windows_wh: Readonly<Record<string, number>>;
  readonly periods_wh: Readonly<Record<string, number>>;
}

function labelObject(names: readonly string[], values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  names.forEach((name, i) => (out[name] = values[i] ?? ''));
  return out;
}

function groupJson(names: readonly string[], g: GroupEnergy): GroupJson {
  return { labels: labelObject(names, g.labels), total_joules: g.totalJoules, windows_wh: g.windows, periods_wh: g.periods };
}

function watermarkJson(snapshot: LedgerSnapshot) {
  const { watermark } = snapshot;
  return { watermark: watermark ?? null, watermark_rfc3339: watermark === undefined ? null : formatTime(watermark) };
}

/** `GET /api/v1/namespaces`: every namespace's windows, periods and total, plus the watermark. */
export function namespacesJson(snapshot: LedgerSnapshot) {
  return {
    ...watermarkJson(snapshot),
    label_names: snapshot.namespaceLabels,
    namespaces: snapshot.namespaces.map((g) => groupJson(snapshot.namespaceLabels, g)),
  };
}

/** `GET /api/v1/nodes`: the same per node. */
export function nodesJson(snapshot: LedgerSnapshot) {
  return {
    ...watermarkJson(snapshot),
    label_names: snapshot.nodeLabels,
    nodes: snapshot.nodes.map((g) => groupJson(snapshot.nodeLabels, g)),
  };
}

/** `GET /api/v1/hours`: hour rows with RFC 3339 bounds, joules and watt-hours. */
export function hoursJson(snapshot: LedgerSnapshot, rows: readonly HourRow[]) {
  return {
    ...watermarkJson(snapshot),
    label_names: snapshot.namespaceLabels,
    hours: rows.map((r) => ({
      start: formatTime(r.hourStart),
      end: formatTime(r.hourStart + HOUR_SECONDS),
      start_unix: r.hourStart,
      labels: labelObject(snapshot.namespaceLabels, r.labels),
      joules: r.joules,
      watt_hours: r.joules / HOUR_SECONDS,
    })),
  };
}
