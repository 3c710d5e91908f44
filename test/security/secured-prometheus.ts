import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { stringify } from 'yaml';
import { requireBinary } from '../support/binary.js';
import { createBlocksFromOpenMetrics } from '../support/blocks.js';
import { toOpenMetrics, type TestSeries } from '../support/exposition-text.js';
import { freePort } from '../support/free-port.js';
import { ManagedProcess } from '../support/managed-process.js';
import type { TestCertificates } from '../support/tls-certs.js';
import { waitFor } from '../support/wait-for.js';

/** A user of the secured Prometheus: the password and its bcrypt hash (cost 4, made by hand with libcrypt). */
export const PROMETHEUS_USER = { username: 'ledger', password: 'Pr0m-basic-S3CRET', bcrypt: '$2b$04$wdfApkmrcVZd/maTIJmd9./rmxPJGlQidxPs/NzBOVT7g.UBdRA8O' };

export interface SecuredPrometheus {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts the real Prometheus 2.42 with its own web config: HTTPS with the test CA's server
 * certificate and basic auth (bcrypt), holding `series` (backfilled before start).
 */
export async function startSecuredPrometheus(series: readonly TestSeries[], certs: TestCertificates): Promise<SecuredPrometheus> {
  const binary = requireBinary('prometheus', 'prometheus');
  const dir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-secured-prometheus-'));
  const dataDir = path.join(dir, 'data');
  await mkdir(dataDir);
  await writeFile(path.join(dir, 'prometheus.yml'), stringify({ global: { scrape_interval: '1m' }, scrape_configs: [] }));
  await writeFile(
    path.join(dir, 'web.yml'),
    stringify({
      tls_server_config: { cert_file: certs.serverCertFile, key_file: certs.serverKeyFile },
      basic_auth_users: { [PROMETHEUS_USER.username]: PROMETHEUS_USER.bcrypt },
    }),
  );
  await writeFile(path.join(dir, 'data.om.txt'), toOpenMetrics(series));
  await createBlocksFromOpenMetrics(path.join(dir, 'data.om.txt'), dataDir);
  const port = await freePort();
  const proc = new ManagedProcess(
    binary,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--web.config.file=${path.join(dir, 'web.yml')}`,
      `--storage.tsdb.path=${dataDir}`,
      '--storage.tsdb.retention.time=30d',
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    dir,
  );
  const url = `https://127.0.0.1:${port}`;
  const agent = new Agent({ connect: { ca: await import('node:fs/promises').then((fs) => fs.readFile(certs.caFile)) } });
  const authorization = `Basic ${Buffer.from(`${PROMETHEUS_USER.username}:${PROMETHEUS_USER.password}`).toString('base64')}`;
  proc.start();
  try {
    await waitFor(async () => {
      if (!proc.isRunning) throw new Error(`prometheus exited: ${proc.log}`);
      const response = await request(`${url}/-/ready`, { dispatcher: agent, headers: { authorization } }).catch(() => undefined);
      await response?.body.dump();
      return response?.statusCode === 200;
    }, 30_000);
  } catch (error) {
    await proc.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  } finally {
    await agent.close();
  }
  return {
    url,
    async stop() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
