import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireBinary } from './binary.js';

const run = promisify(execFile);

/**
 * Turns an OpenMetrics file (timestamps in seconds, ending with `# EOF`) into TSDB blocks in `dataDir`
 * with `promtool tsdb create-blocks-from openmetrics`. Returns promtool's output (the block table).
 * Run it before Prometheus starts: a running 2.42 only picks up new blocks at its next reload (~1 min).
 */
export async function createBlocksFromOpenMetrics(file: string, dataDir: string): Promise<string> {
  const promtool = requireBinary('promtool', 'prometheus');
  try {
    const { stdout, stderr } = await run(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', file, dataDir], {
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout + stderr;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`failed to create blocks from ${file}: ${detail}`, { cause: error });
  }
}
