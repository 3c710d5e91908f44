/**
 * `kubectl kustomize` (kustomize v5 built into kubectl) over deploy/. The generated PrometheusRule is
 * listed before the rules generator has written it: while it is missing, builds run on a copy of
 * deploy/ with a stand-in rule (annotated so no test mistakes it for the real one).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DEPLOY, GENERATED_RULE } from './tree.js';

/** A Kubernetes object as built. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  [key: string]: unknown;
}

/** Marks the stand-in PrometheusRule. */
export const STAND_IN = 'energy-ledger.test/stand-in';

const STAND_IN_RULE = `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: energy-ledger-stand-in
  annotations: {${STAND_IN}: "true"}
spec:
  groups: [{name: stand-in, rules: [{record: "stand_in:energy_ledger:none", expr: "vector(0)"}]}]
`;

/** The kubectl binary, or an error saying what CI must provide. */
export function kubectl(): string {
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/local/bin']) {
    const candidate = path.join(dir, 'kubectl');
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  throw new Error('failed to find kubectl on PATH: test/deploy runs `kubectl kustomize` (kubectl >= 1.27, kustomize v5) on every kustomization');
}

let copy: string | undefined;

/** The deploy/ folder to build from: deploy/ itself, or a copy with the stand-in rule. */
function buildRoot(): string {
  if (existsSync(GENERATED_RULE)) return DEPLOY;
  if (copy === undefined) {
    copy = mkdtempSync(path.join(os.tmpdir(), 'energy-ledger-deploy-'));
    cpSync(DEPLOY, copy, { recursive: true });
    writeFileSync(path.join(copy, path.relative(DEPLOY, GENERATED_RULE)), STAND_IN_RULE);
    const dir = copy;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return copy;
}

const cache = new Map<string, K8sObject[]>();

/** Builds the kustomization in `dir` (absolute, under deploy/) with `kubectl kustomize`. */
export function kustomize(dir: string): K8sObject[] {
  const hit = cache.get(dir);
  if (hit) return hit;
  const target = path.join(buildRoot(), path.relative(DEPLOY, dir));
  let out: string;
  try {
    out = execFileSync(kubectl(), ['kustomize', target], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`failed to build ${path.relative(DEPLOY, dir)} with kubectl kustomize: ${stderr || (error as Error).message}`, { cause: error });
  }
  const objects = parseAllDocuments(out)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
  cache.set(dir, objects);
  return objects;
}

/** True unless the object is the stand-in for the not-yet-generated PrometheusRule. */
export const isReal = (o: K8sObject) => o.metadata.annotations?.[STAND_IN] !== 'true';
