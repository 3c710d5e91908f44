/**
 * Fills the README's included sections from their fragments in docs/:
 *   npx tsx scripts/readme.ts          rewrite README.md
 *   npx tsx scripts/readme.ts --check  exit 1 if README.md is not up to date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expandIncludes } from '../src/docs/includes.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = `${root}README.md`;
const current = readFileSync(readme, 'utf8');
const expanded = expandIncludes(current, (path) => readFileSync(`${root}${path}`, 'utf8'));
if (process.argv.includes('--check')) {
  if (expanded !== current) {
    process.stderr.write('README.md is out of date with docs/: run `npm run docs`\n');
    process.exit(1);
  }
} else if (expanded !== current) {
  writeFileSync(readme, expanded);
}
