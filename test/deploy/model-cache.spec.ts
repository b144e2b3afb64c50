import { join } from 'node:path';
import { SERVICES } from '@pingvas/contracts';
import { loadGpuWorkerConfig } from '../../apps/gpu-worker/src/config';
import { chartValues, objectsOfKind, readText } from './files';

interface ModelCache {
  mountPath: string;
  maxBytes: string;
  hostPath: { enabled: boolean; path: string; type: string };
  sizeLimit?: string;
}
interface Values {
  worker: { modelCache: ModelCache };
}
interface Namespace {
  metadata: { name: string; labels: Record<string, string> };
}

const TEMPLATES = join('deploy', 'helm', 'generation-service', 'templates');
const ENVS = ['dev', 'prod'] as const;

/** The GPU worker's package cache (MODEL_CACHE_DIR): one download per node, not per pod. */
describe('the GPU worker’s model cache in the generation-service chart', () => {
  it('mounts the cache volume at MODEL_CACHE_DIR and sets MODEL_CACHE_MAX_BYTES from values', () => {
    const tpl = readText(join(TEMPLATES, '_worker.tpl'));
    expect(tpl).toContain('$_ := set $env "MODEL_CACHE_DIR" .mountPath');
    expect(tpl).toContain('$_ := set $env "MODEL_CACHE_MAX_BYTES" (toString .maxBytes)');
    // The volume's mountPath is the same value, added to the worker's persistence map.
    expect(tpl).toContain('$cache := dict "mountPath" .mountPath');
    expect(tpl).toContain('$_ := set $p "model-cache" $cache');
    expect(readText(join(TEMPLATES, 'worker-deployment.yaml'))).toContain(
      '"persistence" (include "generation-service.worker.persistence" . | fromYaml)',
    );
    const lib = readText(join('deploy', 'helm', 'pingvas-lib', 'templates', '_persistence.tpl'));
    expect(lib).toMatch(/if \$p\.hostPath \}\}\s+hostPath:\s+path: .*\$p\.hostPath\.path/);
  });

  it.each(ENVS)('%s: the worker reads the cache settings the chart gives it', (env) => {
    const { modelCache } = chartValues<Values>(SERVICES.generation.name, env).worker;
    expect(modelCache.mountPath).toMatch(/^\//);
    expect(modelCache.hostPath).toMatchObject({
      path: '/var/lib/pingvas/model-cache',
      type: 'DirectoryOrCreate',
    });
    const config = loadGpuWorkerConfig({
      MODEL_CACHE_DIR: modelCache.mountPath,
      MODEL_CACHE_MAX_BYTES: modelCache.maxBytes,
    });
    expect(config.inference.packageCache).toEqual({
      dir: modelCache.mountPath,
      maxBytes: Number(modelCache.maxBytes),
    });
    // A per-pod emptyDir holds at least the cache's bound (eviction starts past maxBytes).
    expect(modelCache.sizeLimit).toMatch(/^[0-9]+Gi$/);
    expect(parseInt(modelCache.sizeLimit!, 10) * 1024 ** 3).toBeGreaterThan(
      Number(modelCache.maxBytes),
    );
  });

  it.each(ENVS)(
    '%s: a hostPath cache only where the namespace’s Pod Security admits hostPath',
    (env) => {
      const { modelCache } = chartValues<Values>(SERVICES.generation.name, env).worker;
      const ns = objectsOfKind<Namespace>(join('deploy', 'k8s'), 'Namespace').find(
        (n) => n.metadata.name === env,
      )!;
      const enforced = ns.metadata.labels['pod-security.kubernetes.io/enforce'];
      // baseline and restricted refuse hostPath volumes: such a worker pod would never be created.
      if (modelCache.hostPath.enabled) expect(enforced).toBe('privileged');
      else expect(['baseline', 'restricted']).toContain(enforced);
    },
  );
});
