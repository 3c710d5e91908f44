#!/usr/bin/env node
/** The `energy-ledger` executable (package.json `bin` → dist/cli.js). */
import { main } from './cli/main.js';
import { processIo } from './cli/io.js';

process.exitCode = await main(process.argv.slice(2), processIo());
