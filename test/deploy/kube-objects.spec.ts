import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chartFolders,
  filesUnder,
  HELM,
  parseYamlDocuments,
  readText,
  readYaml,
  ROOT,
} from './files';
import { KUBERNETES_VERSION, kubeTools, runTool, type Result, type Tools } from './helm';
import { loadKubeSchemas, type KubeObject, type KubeSchemas } from './kube-schema';

/**
 * Every chart under deploy/helm linted and rendered as the delivery workflow and ArgoCD do, and
 * every object it renders, with those of deploy/k8s, deploy/argocd and deploy/monitoring,
 * checked against the Kubernetes 1.30 and CRD schemas (./kube-schema): a misspelt field, a kind
 * nobody has a schema for, a string where a number belongs fails here rather than at sync.
 */

const CASES = ['base', 'dev', 'prod'] as const;
type Case = (typeof CASES)[number];

/**
 * CRD groups the charts may ask `.Capabilities.APIVersions.Has` about; the cluster has them all
 * (deploy/k8s and the platform install them). Each has its schemas in ./kube-schema.
 */
const API_VERSIONS = [
  'monitoring.coreos.com/v1',
  'keda.sh/v1alpha1',
  'external-secrets.io/v1',
  'cert-manager.io/v1',
];

/**
 * Values that only the environments' files carry and the templates refuse to render without:
 * the base case gets a stand-in for each, in the charts whose values.yaml has the parent key.
 */
const BASE_STAND_INS: Record<string, string> = {
  'image.tag': 'base-values',
  'ingress.host': 'base.example.com',
};

const charts = chartFolders();
const isLibrary = (chart: string) =>
  readYaml<{ type?: string }>(join('deploy', 'helm', chart, 'Chart.yaml')).type === 'library';
const appCharts = charts.filter((c) => !isLibrary(c));
const renders = appCharts.flatMap((chart) => CASES.map((env) => [chart, env] as const));

/** Folders of plain manifests: deploy/* but the charts (rendered above) and the image files. */
const manifestDirs = readdirSync(join(ROOT, 'deploy'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && !['helm', 'docker'].includes(d.name))
  .map((d) => `deploy/${d.name}`)
  .sort();
const kustomized = manifestDirs.filter((d) => existsSync(join(ROOT, d, 'kustomization.yaml')));

function valueArgs(chart: string, dir: string, env: Case): string[] {
  const common = ['--kube-version', KUBERNETES_VERSION, '-f', join(dir, 'values.yaml')];
  if (env !== 'base') return [...common, '--namespace', env, '-f', join(dir, `values-${env}.yaml`)];
  const values = readYaml(join('deploy', 'helm', chart, 'values.yaml'));
  const standIns = Object.entries(BASE_STAND_INS)
    .filter(([path]) => path.split('.')[0] in values)
    .flatMap(([path, value]) => ['--set-string', `${path}=${value}`]);
  return [...common, '--namespace', 'dev', ...standIns];
}

/** The errors of each object, prefixed with where it came from and its kind/name. */
function problems(schemas: KubeSchemas, source: string, objects: KubeObject[]): string[] {
  return objects.flatMap((o) => {
    const name = `${String(o.kind)}/${String(o.metadata?.name)}`;
    return schemas.validate(o).map((e) => `${source} ${name}: ${e}`);
  });
}

/** Runs `jobs` two at a time: the machines that run this have few cores and share them. */
async function inPairs<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  };
  await Promise.all([worker(), worker()]);
  return out;
}

/** Helm prints lint findings on stdout and the verdict on stderr: both name the problem. */
const failed = (what: string, r: Result) => `${what}: ${`${r.stdout}\n${r.stderr}`.trim()}`;

describe(`Kubernetes objects against the ${KUBERNETES_VERSION} and CRD schemas`, () => {
  let schemas: KubeSchemas;
  let tools: Tools;
  let work: string;
  const lints = new Map<string, Result>();
  const rendered = new Map<string, Result>();
  const untagged = new Map<string, Result>();
  const key = (chart: string, env: string) => `${chart} ${env}`;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'pingvas-helm-'));
    // A copy, so that `helm dependency build` never writes into the work tree that other runs use.
    cpSync(HELM, join(work, 'charts'), { recursive: true });
    tools = await kubeTools();
    schemas = loadKubeSchemas();
    const helm = (args: string[]) => runTool(tools.helm, args, join(work, 'home'));
    const chartDir = (chart: string) => join(work, 'charts', chart);

    const built = await inPairs(
      charts.map((c) => () => helm(['dependency', 'build', chartDir(c), '--skip-refresh'])),
    );
    built.forEach((r, i) => {
      if (!r.ok) throw new Error(failed(`helm dependency build ${charts[i]}`, r));
    });

    const jobs = [
      ...charts.filter(isLibrary).map((chart) => async () => {
        lints.set(key(chart, 'library'), await helm(['lint', '--strict', chartDir(chart)]));
      }),
      ...renders.map(([chart, env]) => async () => {
        const args = valueArgs(chart, chartDir(chart), env);
        lints.set(key(chart, env), await helm(['lint', '--strict', chartDir(chart), ...args]));
        const apis = API_VERSIONS.flatMap((v) => ['--api-versions', v]);
        rendered.set(
          key(chart, env),
          await helm(['template', chart, chartDir(chart), ...args, ...apis]),
        );
      }),
      // dev's values with the tag CI writes there taken away: the chart has no tag to fall back on.
      ...appCharts.map((chart) => async () => {
        const args = [...valueArgs(chart, chartDir(chart), 'dev'), '--set-string', 'image.tag='];
        untagged.set(chart, await helm(['template', chart, chartDir(chart), ...args]));
      }),
    ];
    await inPairs(jobs);
  }, 180_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("runs the delivery workflow's Helm and Kubernetes versions", async () => {
    const workflow = readYaml<{ env: Record<string, string> }>('.github/workflows/delivery.yml');
    const version = await runTool(tools.helm, ['version', '--template', '{{.Version}}'], work);
    expect(version.stdout.trim()).toBe(workflow.env.HELM_VERSION);
    expect(String(workflow.env.KUBERNETES_VERSION)).toBe(KUBERNETES_VERSION);
  });

  it('finds the charts: one library chart and the application charts', () => {
    expect(charts.filter(isLibrary)).toEqual(['pingvas-lib']);
    expect(appCharts.length).toBeGreaterThanOrEqual(6);
  });

  it('passes helm lint --strict for every chart (the library chart alone) and values case', () => {
    expect(lints.size).toBe(renders.length + charts.filter(isLibrary).length);
    const failures = [...lints].filter(([, r]) => !r.ok).map(([k, r]) => failed(k, r));
    expect(failures).toEqual([]);
  });

  it.each(renders)('%s (%s values): every rendered object matches its schema', (chart, env) => {
    const result = rendered.get(key(chart, env));
    expect(result && (result.ok ? '' : failed(key(chart, env), result))).toBe('');
    const objects = parseYamlDocuments<KubeObject>(result!.stdout);
    expect(objects.length).toBeGreaterThan(0);
    expect(problems(schemas, key(chart, env), objects)).toEqual([]);
  });

  it.each(appCharts)('%s: refuses to render without an image tag CI pushed', (chart) => {
    const result = untagged.get(chart)!;
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain(`${chart}: image.tag is required`);
  });

  it('finds the manifest folders', () => {
    expect(manifestDirs).toEqual(expect.arrayContaining(['deploy/argocd', 'deploy/k8s']));
    expect(kustomized).toEqual(expect.arrayContaining(['deploy/k8s', 'deploy/monitoring']));
  });

  it.each(kustomized)('%s: what kubectl kustomize renders matches the schemas', async (dir) => {
    const result = await runTool(tools.kubectl, ['kustomize', join(ROOT, dir)], join(work, 'home'));
    expect(result.ok ? '' : failed(dir, result)).toBe('');
    const objects = parseYamlDocuments<KubeObject>(result.stdout);
    expect(objects.length).toBeGreaterThan(0);
    expect(problems(schemas, dir, objects)).toEqual([]);
  });

  // Each file on its own too, so that one left out of a kustomization is checked as well. Not
  // objects: kustomization.yaml (kustomize's input), a chart's values*.yaml (deploy/logging's
  // for Fluent Bit) and a document with neither apiVersion nor kind (alertmanager.yaml).
  it.each(manifestDirs)('%s: every object in its YAML files matches the schemas', (dir) => {
    const files = filesUnder(
      dir,
      (n) => /\.ya?ml$/.test(n) && n !== 'kustomization.yaml' && !/^values.*\.ya?ml$/.test(n),
    );
    const found = files.flatMap((file) =>
      problems(
        schemas,
        file,
        parseYamlDocuments<KubeObject>(readText(file)).filter(
          (o) => o.apiVersion !== undefined || o.kind !== undefined,
        ),
      ),
    );
    expect(files.length).toBeGreaterThan(0);
    expect(found).toEqual([]);
  });

  describe('the validator itself', () => {
    const deployment = () => {
      const objects = parseYamlDocuments<KubeObject>(
        rendered.get(key('gallery-service', 'dev'))!.stdout,
      );
      return structuredClone(objects.find((o) => o.kind === 'Deployment')) as {
        spec: Record<string, unknown> & {
          template: { spec: { containers: Record<string, unknown>[] } };
        };
      };
    };

    it('names a misspelt field by its JSON path', () => {
      const bad = deployment();
      bad.spec.replicass = 2;
      bad.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
      expect(schemas.validate(bad).sort()).toEqual([
        'spec.replicass: unknown field',
        'spec.template.spec.containers[0].imagePullPolicyy: unknown field',
      ]);
    });

    it('names a value of the wrong type and a missing required field', () => {
      const bad = deployment();
      bad.spec.replicas = 'two';
      delete bad.spec.template.spec.containers[0].name;
      expect(schemas.validate(bad).sort()).toEqual([
        'spec.replicas: expected a number, got string',
        'spec.template.spec.containers[0].name: required field missing',
      ]);
    });

    it('fails a kind it has no schema for, and checks CRD kinds as strictly', () => {
      expect(schemas.validate({ apiVersion: 'example.com/v1', kind: 'Widget' })).toEqual([
        '(object): no schema for apiVersion example.com/v1 kind Widget',
      ]);
      expect(
        schemas.validate({
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'ServiceMonitor',
          metadata: { name: 'x' },
          spec: { selector: {}, endpoints: [{ port: 'http', intervall: '30s' }] },
        }),
      ).toEqual(['spec.endpoints[0].intervall: unknown field']);
    });

    it('has the schemas of every CRD group the charts are rendered with', () => {
      for (const api of API_VERSIONS) {
        expect([api, schemas.kinds.some((k) => k.startsWith(`${api} `))]).toEqual([api, true]);
      }
    });
  });
});
