import { describe, expect, it } from 'vitest';
import { loadConfig, redactConfig, summarizeConfig } from '../../src/config/index.js';

const text = [
  'prometheus:',
  '  url: https://prom.example',
  '  basic_auth: { username: ledger, password: hunter2 }',
  '  headers: { X-Scope-OrgID: team-a, X-Api-Key: s3cret }',
  '  selector: \'{cluster="eu"}\'',
  '',
].join('\n');

describe('redactConfig', () => {
  it('replaces the password and header values and keeps the rest', () => {
    const config = loadConfig({ file: { text, name: 'c.yaml' } });
    const redacted = redactConfig(config);
    expect(redacted.prometheus.basicAuth).toEqual({ username: 'ledger', password: '[REDACTED]' });
    expect(redacted.prometheus.headers).toEqual({ 'X-Scope-OrgID': '[REDACTED]', 'X-Api-Key': '[REDACTED]' });
    expect(JSON.stringify(redacted)).not.toMatch(/hunter2|s3cret/);
    expect(redacted.prometheus.url).toBe('https://prom.example');
    expect(config.prometheus.basicAuth?.password).toBe('hunter2');
  });

  it('replaces an inline bearer token', () => {
    const redacted = redactConfig(loadConfig({ env: { ENERGY_LEDGER_PROMETHEUS_BEARER_TOKEN: 'tok-123' } }));
    expect(redacted.prometheus.bearerToken).toBe('[REDACTED]');
  });
});

describe('summarizeConfig', () => {
  it('describes the effective config in one line without secrets', () => {
    const summary = summarizeConfig(loadConfig({ file: { text, name: 'c.yaml' } }));
    expect(summary).toBe(
      'prometheus https://prom.example (basic auth, selector {cluster="eu"}), listen 0.0.0.0:9464, interval 30s, backfill 1d2h, windows 5m,1h,24h, group_by namespace, kepler schema auto',
    );
  });
});
