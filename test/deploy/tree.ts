/**
 * The deploy/ tree as files: which folders are kustomizations, what each kustomization.yaml refers to.
 * Pure TypeScript, no kubectl: the structural half of the kustomize check.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

/** Repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** deploy/, absolute. */
export const DEPLOY = path.join(ROOT, 'deploy');
/** The PrometheusRule the rules generator writes; listed before it exists. */
export const GENERATED_RULE = path.join(DEPLOY, 'apps', 'energy-ledger', 'prometheusrule.yaml');
/** The app's folder. */
export const APP_DIR = path.join(DEPLOY, 'apps', 'energy-ledger');

/** A path relative to the repository root, for messages. */
export const rel = (file: string) => path.relative(ROOT, file);

/** Every folder under `dir` (itself included), depth first. */
export function folders(dir: string = DEPLOY): string[] {
  const subs = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
  return [dir, ...subs.flatMap((e) => folders(path.join(dir, e.name)))];
}

/** Files (not folders) directly in `dir`. */
export const filesIn = (dir: string) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);

/** Folders under deploy/ that hold a kustomization.yaml. */
export const kustomizationDirs = () => folders().filter((dir) => existsSync(path.join(dir, 'kustomization.yaml')));

/** Cluster entry points: deploy/clusters/NAME. */
export const clusterDirs = () =>
  readdirSync(path.join(DEPLOY, 'clusters'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(DEPLOY, 'clusters', e.name));

/** What a kustomization.yaml refers to, as absolute paths. */
export interface KustomizationRefs {
  readonly resources: string[];
  /** Patch files, config map and secret generator files. */
  readonly files: string[];
  /** Top-level keys, to refuse deprecated ones. */
  readonly keys: string[];
}

interface KustomizationFile {
  resources?: string[];
  components?: string[];
  patches?: { path?: string }[];
  patchesStrategicMerge?: string[];
  configMapGenerator?: { files?: string[] }[];
  secretGenerator?: { files?: string[] }[];
}

/** Parses `dir/kustomization.yaml`. */
export function readKustomization(dir: string): KustomizationRefs {
  const doc = parse(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as KustomizationFile;
  const at = (p: string) => path.resolve(dir, p);
  // A generator entry is `file` or `key=file`.
  const generated = [...(doc.configMapGenerator ?? []), ...(doc.secretGenerator ?? [])].flatMap((g) => g.files ?? []).map((f) => f.split('=').pop() ?? f);
  return {
    resources: [...(doc.resources ?? []), ...(doc.components ?? [])].map(at),
    files: [...(doc.patches ?? []).flatMap((p) => (p.path === undefined ? [] : [p.path])), ...(doc.patchesStrategicMerge ?? []), ...generated].map(at),
    keys: Object.keys(doc),
  };
}

/** True for a folder holding a kustomization.yaml. */
export const isKustomization = (p: string) => existsSync(p) && statSync(p).isDirectory() && existsSync(path.join(p, 'kustomization.yaml'));

/** Every YAML document of every .yaml/.yml file under deploy/ (source files, before any build). */
export function sourceDocuments(): { file: string; doc: Record<string, unknown> }[] {
  return folders()
    .flatMap((dir) => filesIn(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(dir, f)))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(file, 'utf8'))
        .map((d) => d.toJS() as unknown)
        .filter((doc): doc is Record<string, unknown> => doc !== null && typeof doc === 'object')
        .map((doc) => ({ file, doc })),
    );
}
