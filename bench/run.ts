/**
 * Benchmark driver: `npm run bench` (quick) or `npm run bench -- --full`.
 * To add a benchmark, export a {@link BenchModule} from a file in bench/ and append it to MODULES.
 */
import { coreIngest } from './core-ingest.js';
import type { BenchModule, BenchRow } from './types.js';

const MODULES: readonly BenchModule[] = [coreIngest];

function format(n: number | undefined): string {
  if (n === undefined) return '—';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return n.toPrecision(3);
}

async function main(): Promise<void> {
  const full = process.argv.includes('--full');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const rows: (BenchRow & { module: string })[] = [];
  for (const m of MODULES) {
    if (only !== undefined && m.name !== only) continue;
    const started = performance.now();
    for (const row of await m.run({ full })) rows.push({ ...row, module: m.name });
    process.stderr.write(`${m.name}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  console.log(`mode: ${full ? 'full' : 'quick'}`);
  console.log('| name | figure | baseline | ratio | note |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = r.baseline === undefined ? undefined : r.figure / r.baseline;
    console.log(
      `| ${r.module}: ${r.name} | ${format(r.figure)} ${r.unit} | ${r.baseline === undefined ? '—' : `${format(r.baseline)} ${r.unit}`} | ${format(ratio)} | ${r.note ?? ''} |`,
    );
  }
}

await main();
