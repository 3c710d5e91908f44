/** The `energy-ledger rules` implementation: generate and write the files. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandContext } from '../cli/context.js';
import { RULE_FILES, generateRuleFiles } from './generate.js';

/** Failure to write a generated file. */
export class RulesWriteError extends Error {
  override readonly name = 'RulesWriteError';
}

/** Writes the rule file, its promtool tests and the PrometheusRule into `outDir` (created if missing). */
export async function rules(context: CommandContext & { readonly outDir: string }): Promise<void> {
  const files = generateRuleFiles(context.config);
  try {
    await mkdir(context.outDir, { recursive: true });
    for (const [key, name] of Object.entries(RULE_FILES) as [keyof typeof RULE_FILES, string][]) {
      await writeFile(path.join(context.outDir, name), files[key]);
    }
  } catch (error) {
    throw new RulesWriteError(`failed to write rule files to ${context.outDir}: ${(error as Error).message}`, { cause: error });
  }
  context.logger.info({ dir: context.outDir, files: Object.values(RULE_FILES) }, 'rules written');
}
