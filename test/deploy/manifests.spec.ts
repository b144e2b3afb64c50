import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICES, WEB } from '@pingvas/contracts';
import {
  chartFolders,
  filesUnder,
  objectsOfKind,
  readText,
  readYamlDocuments,
  ROOT,
} from './files';

const SERVICE_NAMES = Object.values(SERVICES).map((s) => s.name);

interface ApplicationSet {
  spec: {
    goTemplate: boolean;
    generators: { matrix: { generators: { list: { elements: Record<string, unknown>[] } }[] } }[];
    template: unknown;
    templatePatch: string;
  };
}

describe('delivery manifests', () => {
  it('parses every YAML file (Helm templates aside: kube-objects.spec.ts renders those)', () => {
    const files = [
      ...filesUnder('deploy', (n) => /\.ya?ml$/.test(n)),
      ...filesUnder('.github', (n) => /\.ya?ml$/.test(n)),
      'docker-compose.yml',
    ].filter((f) => !/deploy\/helm\/[^/]+\/templates\//.test(f));
    expect(files.length).toBeGreaterThan(20);
    const failures = files.flatMap((file) => {
      try {
        readYamlDocuments(file);
        return [];
      } catch (err) {
        return [`${file}: ${(err as Error).message}`];
      }
    });
    expect(failures).toEqual([]);
  });

  it('parses every dashboard', () => {
    const dashboards = filesUnder(join('deploy', 'monitoring'), (n) => n.endsWith('.json'));
    expect(dashboards.length).toBeGreaterThanOrEqual(4);
    for (const file of dashboards) JSON.parse(readText(file));
  });

  it('has namespaces dev and prod with the seeds’ quotas', () => {
    const namespaces = objectsOfKind<{ metadata: { name: string } }>(
      join('deploy', 'k8s'),
      'Namespace',
    );
    expect(namespaces.map((n) => n.metadata.name).sort()).toEqual(['dev', 'prod']);
    const quotas = objectsOfKind<{
      metadata: { namespace: string };
      spec: { hard: Record<string, string | number> };
    }>(join('deploy', 'k8s'), 'ResourceQuota');
    const hard = (ns: string) => quotas.find((q) => q.metadata.namespace === ns)!.spec.hard;
    const cpu = (h: Record<string, string | number>) => String(h['requests.cpu'] ?? h.cpu);
    const memory = (h: Record<string, string | number>) => String(h['requests.memory'] ?? h.memory);
    expect([
      cpu(hard('dev')),
      memory(hard('dev')),
      String(hard('dev')['requests.nvidia.com/gpu']),
    ]).toEqual(['20', '50Gi', '3']);
    expect([
      cpu(hard('prod')),
      memory(hard('prod')),
      String(hard('prod')['requests.nvidia.com/gpu']),
    ]).toEqual(['50', '200Gi', '15']);
    expect(objectsOfKind(join('deploy', 'k8s'), 'LimitRange').length).toBeGreaterThanOrEqual(2);
    expect(objectsOfKind(join('deploy', 'k8s'), 'NetworkPolicy').length).toBeGreaterThanOrEqual(2);
  });

  it('makes twelve ArgoCD applications from env × (the five services and web), the charts and the apps', () => {
    const [appSet] = objectsOfKind<ApplicationSet>(join('deploy', 'argocd'), 'ApplicationSet');
    expect(appSet.spec.goTemplate).toBe(true);
    const [envGen, serviceGen] = appSet.spec.generators[0].matrix.generators.map(
      (g) => g.list.elements,
    );
    expect(envGen.map((e) => e.env)).toEqual(['dev', 'prod']);
    expect(envGen.find((e) => e.env === 'dev')?.autoSync).toBe(true);
    expect(envGen.find((e) => e.env === 'prod')?.autoSync).toBe(false);
    const services = serviceGen.map((s) => String(s.service)).sort();
    expect(services).toEqual([...SERVICE_NAMES, WEB.name].sort());
    expect(envGen.length * services.length).toBe(12);
    expect(chartFolders().filter((d) => d !== 'pingvas-lib')).toEqual(services);
    // Not deployed on their own: the GPU worker ships in generation-service's chart, the system
    // worker in user-service's, and the edge is npm start's web origin (in Kubernetes the web
    // chart's Ingress and nginx do its work).
    const apps = readdirSync(join(ROOT, 'apps')).filter(
      (a) => a !== 'gpu-worker' && a !== 'system-worker' && a !== WEB.app,
    );
    expect(apps.sort()).toEqual(services);
    const template = JSON.stringify(appSet.spec.template);
    expect(template).toContain('{{.env}}-{{.service}}');
    expect(template).toContain('values-{{.env}}.yaml');
    expect(appSet.spec.templatePatch).toMatch(/if \.autoSync/);
    expect(appSet.spec.templatePatch).toMatch(/prune: true/);
    expect(appSet.spec.templatePatch).toMatch(/selfHeal: true/);
    const [project] = objectsOfKind<{ spec: { destinations: { namespace: string }[] } }>(
      join('deploy', 'argocd'),
      'AppProject',
    );
    expect(project.spec.destinations.map((d) => d.namespace).sort()).toEqual(['dev', 'prod']);
  });
});
