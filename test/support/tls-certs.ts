import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { requireBinary } from './binary.js';

const run = promisify(execFile);

/** Paths of a throw-away CA and the certificates it signed. */
export interface TestCertificates {
  readonly caFile: string;
  /** Server certificate for `prometheus.test` and 127.0.0.1. */
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  /** Client certificate for mutual TLS. */
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
}

/** Generates a self-signed CA plus server and client certificates (P-256, 1 day) in `dir` with openssl. */
export async function generateCertificates(dir: string): Promise<TestCertificates> {
  const openssl = requireBinary('openssl', 'openssl');
  const file = (name: string): string => path.join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run(openssl, ['req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', '1', '-subj', '/CN=energy-ledger test CA']);
  await writeFile(file('server.ext'), 'subjectAltName=DNS:prometheus.test,IP:127.0.0.1\n');
  await writeFile(file('client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const name of ['server', 'client']) {
    await run(openssl, ['req', ...ec, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/CN=${name}`]);
    await run(openssl, [
      'x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial',
      '-out', file(`${name}.crt`), '-days', '1', '-extfile', file(`${name}.ext`),
    ]);
  }
  return {
    caFile: file('ca.crt'),
    serverCertFile: file('server.crt'),
    serverKeyFile: file('server.key'),
    clientCertFile: file('client.crt'),
    clientKeyFile: file('client.key'),
  };
}
