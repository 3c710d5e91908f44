/**
 * Benchmark driver: `npm run bench` (quick) or `npm run bench -- --full`; `--only=<module>` runs one.
 * To add a benchmark, export a {@link BenchModule} from a file in bench/ and append it to MODULES.
 */
import { accuracy } from './accuracy.js';
import { churn } from './churn.js';
import { startupBackfill } from './backfill.js';
import { startupRestore } from './restore.js';
import { restoreMonthHistory, restoreMonthRaw } from './restore-month.js';
import { coreIngest } from './core-ingest.js';
import { pollCost } from './poll-cost.js';
import { scale } from './scale.js';
import { scrapeLatency } from './scrape-latency.js';
import type { BenchModule, BenchRow } from './types.js';

const MODULES: readonly BenchModule[] = [accuracy, pollCost, scrapeLatency, coreIngest, startupBackfill, startupRestore, restoreMonthRaw, restoreMonthHistory, churn, scale];

function format(n: number | undefined): string {
  if (n === undefined) return '—';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return n.toPrecision(3);
}

async function main(): Promise<void> {
  const full = process.argv.includes('--full');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const rows: (BenchRow & { module: string })[] = [];
  const tables: string[] = [];
  const started = performance.now();
  for (const m of MODULES) {
    if (only !== undefined ? !only.includes(m.name) : !full && m.quick === false) continue;
    const t0 = performance.now();
    const result = await m.run({ full, log });
    const { rows: moduleRows, tables: moduleTables = [] } = Array.isArray(result) ? { rows: result } : result;
    for (const row of moduleRows) rows.push({ ...row, module: m.name });
    for (const table of moduleTables) tables.push(`### ${m.name}\n\n${table}`);
    log(`${m.name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  console.log(`mode: ${full ? 'full' : 'quick'}; ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log('| name | figure | baseline | ratio | goal | note |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = r.baseline === undefined || r.baseline === 0 ? undefined : r.figure / r.baseline;
    const goal = r.goal === undefined ? '' : `${r.goal.met ? 'met' : '**missed**'}: ${r.goal.text}`;
    console.log(
      `| ${r.module}: ${r.name} | ${format(r.figure)} ${r.unit} | ${r.baseline === undefined ? '—' : `${format(r.baseline)} ${r.unit}`} | ${format(ratio)} | ${goal} | ${r.note ?? ''} |`,
    );
  }
  for (const table of tables) console.log(`\n${table}`);
}

await main();
