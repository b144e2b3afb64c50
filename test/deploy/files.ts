import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { load, loadAll } from 'js-yaml';

export const ROOT = join(__dirname, '..', '..');
export const HELM = join(ROOT, 'deploy', 'helm');

/** Every file below `dir` (relative to the repo root) whose name passes `keep`. */
export function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (keep(name)) out.push(relative(ROOT, path));
    }
  };
  walk(join(ROOT, dir));
  return out.sort();
}

export function readText(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

export function readYaml<T = Record<string, unknown>>(path: string): T {
  return load(readText(path)) as T;
}

/** The documents of a multi-document YAML stream; empty ones (a disabled template) dropped. */
export function parseYamlDocuments<T = Record<string, unknown>>(text: string): T[] {
  return loadAll(text).filter((d) => d !== null && d !== undefined) as T[];
}

export function readYamlDocuments<T = Record<string, unknown>>(path: string): T[] {
  return parseYamlDocuments<T>(readText(path));
}

/** The chart folders under deploy/helm (those with a Chart.yaml), sorted; the library included. */
export function chartFolders(): string[] {
  return readdirSync(HELM)
    .filter((d) => existsSync(join(HELM, d, 'Chart.yaml')))
    .sort();
}

/** Kubernetes objects of one kind among every YAML document below `dir`. */
export function objectsOfKind<T = Record<string, unknown>>(dir: string, kind: string): T[] {
  return filesUnder(dir, (n) => /\.ya?ml$/.test(n))
    .flatMap((f) => readYamlDocuments<{ kind?: string }>(f))
    .filter((o) => o.kind === kind) as T[];
}

function deepMerge(a: unknown, b: unknown): unknown {
  if (b === undefined) return a;
  if (
    a &&
    b &&
    typeof a === 'object' &&
    typeof b === 'object' &&
    !Array.isArray(a) &&
    !Array.isArray(b)
  ) {
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b)) out[k] = deepMerge(out[k], v);
    return out;
  }
  return b;
}

/**
 * A chart's values.yaml with values-<env>.yaml over it, as Helm (and ArgoCD's valueFiles)
 * merge them: maps merge key by key, lists and scalars replace.
 */
export function chartValues<T>(chart: string, env: 'dev' | 'prod'): T {
  const dir = join('deploy', 'helm', chart);
  return deepMerge(
    readYaml(join(dir, 'values.yaml')),
    readYaml(join(dir, `values-${env}.yaml`)),
  ) as T;
}
