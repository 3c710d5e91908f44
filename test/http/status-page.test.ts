import { describe, expect, it } from 'vitest';
import type { GroupEnergy, HourRow } from '../../src/core/types.js';
import { chartFromHour, powerWindow, renderStatusPage, type StatusPageInput } from '../../src/http/status-page.js';
import { snapshotOf } from '../exposition/snapshots.js';

const H = 1_700_002_800; // an hour start
const W = H + 1800; // half past the hour
const group = (name: string, wh5m: number): GroupEnergy => ({ labels: [name], totalJoules: 1, windows: { '5m': wh5m, '1h': 1 }, periods: { current_hour: 1 } });

function input(over: Partial<StatusPageInput> = {}): StatusPageInput {
  return {
    version: '1.0.0',
    keplerSchemas: [{ schema: 'v0.10+', version: '0.10.2' }],
    snapshot: snapshotOf([group('small', 0.5), group('big', 2), group('<i>evil</i>', 1)], { watermark: W }),
    hours: [],
    now: W + 30,
    lastPollSuccess: W + 25,
    ready: true,
    ...over,
  };
}

describe('renderStatusPage', () => {
  it('lists unknown Kepler zones with the config line that counts them, and nothing when there are none', () => {
    const html = renderStatusPage(input({ unknownZones: ['cpu_power', '<x>'] }));
    expect(html).toContain('<dt>Unknown Kepler zones</dt>');
    expect(html).toContain('<code>cpu_power</code>: not counted; to count it set <code>kepler.zones: {cpu_power: package}</code>');
    expect(html).toContain('<code>&lt;x&gt;</code>');
    expect(renderStatusPage(input())).not.toContain('unknown-zones');
  });

  it('ranks namespaces by power from the 5m window: watt-hours times 12', () => {
    const html = renderStatusPage(input());
    const names = [...html.matchAll(/<tr><td class="name">([^<]*)<\/td><td class="num">([^<]*)<\/td><td class="meter">/g)].map((m) => [m[1], m[2]]);
    expect(names).toEqual([
      ['big', '24 W'],
      ['&lt;i&gt;evil&lt;/i&gt;', '12 W'],
      ['small', '6 W'],
    ]);
    expect(html).not.toContain('<i>');
  });

  it('falls back to the shortest window when 5m is not configured', () => {
    const g: GroupEnergy = { labels: ['a'], totalJoules: 1, windows: { '1h': 3, '10m': 1 }, periods: {} };
    expect(powerWindow(snapshotOf([g]))).toEqual({ label: '10m', seconds: 600 });
  });

  it('draws 24 bars per namespace, from the hour 23 hours before the watermark hour, zeros for hours without rows', () => {
    const from = chartFromHour(W);
    expect(from).toBe(H - 23 * 3600);
    const hours: HourRow[] = [
      { hourStart: from, labels: ['big'], joules: 7200 },
      { hourStart: from + 23 * 3600, labels: ['big'], joules: 3600 },
      { hourStart: from - 3600, labels: ['big'], joules: 999_999 }, // outside the chart
    ];
    const html = renderStatusPage(input({ hours }));
    const svg = /<svg class="hours"[\s\S]*?<\/svg>/.exec(html)![0];
    const heights = [...svg.matchAll(/<rect class="bar[^"]*" x="[\d.]+" y="[\d.]+" width="\d+" height="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(heights).toHaveLength(24);
    expect(heights[0]).toBe(48);
    expect(heights[23]).toBe(24);
    expect(heights.slice(1, 23).every((h) => h === 0)).toBe(true);
    expect(html).toContain('3 Wh</span>');
  });

  it('ends the chart with the ledger\'s hour (a, a + 1 h] that holds the watermark, also when the watermark is exactly on the hour', () => {
    expect(chartFromHour(H + 1)).toBe(H - 23 * 3600);
    expect(chartFromHour(H)).toBe(H - 24 * 3600);
    // The watermark at H: the hour (H − 1 h, H] is complete and is the last bar; nothing is drawn after it.
    const hours: HourRow[] = [{ hourStart: H - 3600, labels: ['big'], joules: 3600 }];
    const html = renderStatusPage(input({ hours, snapshot: snapshotOf([group('big', 2)], { watermark: H }), now: H + 30, lastPollSuccess: H + 25 }));
    const svg = /<svg class="hours"[\s\S]*?<\/svg>/.exec(html)![0];
    const heights = [...svg.matchAll(/<rect class="bar[^"]*" x="[\d.]+" y="[\d.]+" width="\d+" height="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(heights).toHaveLength(24);
    expect(heights[23]).toBeGreaterThan(0);
    expect(heights.slice(0, 23).every((h) => h === 0)).toBe(true);
  });

  it('shows the health: last poll with its age, watermark lag, schema; stale when the lag is long', () => {
    const html = renderStatusPage(input());
    expect(html).toContain('<dd id="lag">30 s</dd>');
    expect(html).toContain('(5 s ago)');
    expect(html).toContain('v0.10+ (Kepler 0.10.2)');
    expect(html).toContain('<section id="health" class="ok">');
    const stale = renderStatusPage(input({ now: W + 3 * 3600 }));
    expect(stale).toContain('<section id="health" class="stale">');
    expect(stale).toContain('3.0 h (stale)');
  });

  it('says so before the first sample, without charts', () => {
    const html = renderStatusPage(input({ snapshot: snapshotOf([], { watermark: undefined, nodes: [] }), keplerSchemas: [] }));
    expect(html).toContain('not detected yet');
    expect(html).toContain('<dd id="watermark">no data yet</dd>');
    expect(html).not.toContain('<svg');
  });

  it('is self-contained: no script, no external URL, and it reloads itself', () => {
    const html = renderStatusPage(input({ refreshSeconds: 15 }));
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain('<meta http-equiv="refresh" content="15">');
  });
});
