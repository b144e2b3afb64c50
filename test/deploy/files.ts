import { readdirSync, readFileSync, statSync } from 'node:fs';
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

export function readYamlDocuments<T = Record<string, unknown>>(path: string): T[] {
  return loadAll(readText(path)).filter((d) => d !== null && d !== undefined) as T[];
}

/** Kubernetes objects of one kind among every YAML document below `dir`. */
export function objectsOfKind<T = Record<string, unknown>>(dir: string, kind: string): T[] {
  return filesUnder(dir, (n) => /\.ya?ml$/.test(n))
    .flatMap((f) => readYamlDocuments<{ kind?: string }>(f))
    .filter((o) => o.kind === kind) as T[];
}
