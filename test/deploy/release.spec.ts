import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { readImageTag, setImageTag } from '../../scripts/set-image-tag/values-file';
import { HELM, readText, readYaml } from './files';

/** The charts that deploy images (the library chart renders nothing). */
const APP_CHARTS = readdirSync(HELM).filter((chart) =>
  existsSync(join(HELM, chart, 'values-dev.yaml')),
);
const COMMIT_SHA = /^[0-9a-f]{40}$/;

interface Image {
  repository: string;
  tag?: string;
}
type Values = { image: Image } & Record<string, { image?: Image } | unknown>;

interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  steps: { run?: string; uses?: string }[];
}
interface Workflow {
  on: Record<string, unknown>;
  env: Record<string, string>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflow = (name: string) => readYaml<Workflow>(join('.github', 'workflows', name));
const script = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');

describe('image tags of the values files (scripts/set-image-tag)', () => {
  const file = [
    '# web in dev',
    '',
    'image:',
    '  repository: ghcr.io/pingvas/web',
    '  # set by CI',
    "  tag: 'old' # the commit",
    '  pullPolicy: IfNotPresent',
    'worker:',
    '  image:',
    "    tag: 'worker'",
    '',
  ].join('\n');

  it('reads the tag under the top-level image key, not a nested one', () => {
    expect(readImageTag(file)).toBe('old');
    expect(readImageTag('worker:\n  image:\n    tag: x\n')).toBeUndefined();
  });

  it('changes that one line, quoted, and keeps its comment and every other line', () => {
    const sha = '0123456789012345678901234567890123456789';
    const out = setImageTag(file, sha);
    expect(out.split('\n')).toEqual(
      file
        .split('\n')
        .map((l) => (l === "  tag: 'old' # the commit" ? `  tag: '${sha}' # the commit` : l)),
    );
    expect((load(out) as Values).image.tag).toBe(sha);
  });

  it('refuses a file with no image.tag line, and a tag Docker would not take', () => {
    expect(() => setImageTag('image:\n  repository: r\nreplicaCount: 1\n', 'abc')).toThrow(
      /no image.tag line/,
    );
    expect(() => setImageTag(file, 'a:b')).toThrow(/not an image tag/);
    expect(() => setImageTag(file, '')).toThrow(/not an image tag/);
  });

  it.each(APP_CHARTS)('%s: finds the tag of values-dev.yaml and values-prod.yaml', (chart) => {
    for (const env of ['dev', 'prod']) {
      const text = readText(join('deploy', 'helm', chart, `values-${env}.yaml`));
      expect(readImageTag(text)).toBe((load(text) as Values).image.tag);
    }
  });
});

describe('releases: images tagged by commit, dev by CI, prod by pull request', () => {
  it.each(APP_CHARTS)(
    '%s: values.yaml names no tag; dev and prod name a commit SHA; the workers follow',
    (chart) => {
      const dir = join('deploy', 'helm', chart);
      const base = readYaml<Values>(join(dir, 'values.yaml'));
      const workloadImages = [
        base.image,
        ...Object.values(base).flatMap((v) =>
          v && typeof v === 'object' && 'image' in v ? [(v as { image: Image }).image] : [],
        ),
      ];
      for (const image of workloadImages) expect(image.tag).toBeUndefined();
      for (const env of ['dev', 'prod']) {
        expect(readYaml<Values>(join(dir, `values-${env}.yaml`)).image.tag).toMatch(COMMIT_SHA);
      }
    },
  );

  it('builds image references with no appVersion fallback: a missing tag fails the render', () => {
    const names = readText('deploy/helm/pingvas-lib/templates/_names.tpl');
    const image = /define "pingvas-lib.image"[\s\S]*?end -\}\}/.exec(names)?.[0] ?? '';
    expect(image).toContain('required');
    expect(image).not.toMatch(/AppVersion/);
  });

  it('pushes every image from main under the commit SHA, never from a pull request', () => {
    const docker = workflow('delivery.yml').jobs.docker;
    expect(script(docker)).toContain('tags="${ref}:${GITHUB_SHA}"');
    const push = docker.steps.find((s) => s.run?.includes('docker push'));
    expect(push).toMatchObject({
      if: "github.event_name == 'push' && github.ref == 'refs/heads/main'",
    });
  });

  it('writes the SHA into every values-dev.yaml once every job passed, on main only', () => {
    const { jobs } = workflow('delivery.yml');
    const promote = jobs['promote-dev'];
    expect(promote.needs).toEqual(
      expect.arrayContaining(Object.keys(jobs).filter((j) => j !== 'promote-dev')),
    );
    expect(promote.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(promote.permissions).toEqual({ contents: 'write' });
    expect(script(promote)).toContain(
      'node dist/scripts/set-image-tag.js "$GITHUB_SHA" deploy/helm/*/values-dev.yaml',
    );
    expect(script(promote)).toMatch(/git commit[^\n]*\[skip ci\]/);
  });

  it('promotes prod by a pull request that copies dev’s tags, started by hand', () => {
    const prod = workflow('promote-prod.yml');
    expect(Object.keys(prod.on)).toEqual(['workflow_dispatch']);
    expect(prod.permissions).toMatchObject({ contents: 'write', 'pull-requests': 'write' });
    const steps = script(prod.jobs['pull-request']);
    expect(steps).toContain('set-image-tag.js --get "$chart/values-dev.yaml"');
    expect(steps).toContain('docker manifest inspect');
    expect(steps).toContain('gh pr create --base main');
  });
});

describe('the Node release', () => {
  const dockerfileNode = (path: string) => /^ARG NODE_VERSION=(\S+)$/m.exec(readText(path))?.[1];

  it('is one Node 24 release in both Dockerfiles, both workflows and .ci/run', () => {
    const version = dockerfileNode('Dockerfile');
    expect(version).toMatch(/^24\.\d+\.\d+$/);
    expect(dockerfileNode('deploy/docker/gpu-worker/Dockerfile')).toBe(version);
    expect(workflow('delivery.yml').env.NODE_VERSION).toBe(version);
    expect(workflow('promote-prod.yml').env.NODE_VERSION).toBe(version);
    expect(/^NODE24_VERSION=(\S+)$/m.exec(readText('.ci/run'))?.[1]).toBe(version);
  });

  it('is what every job that sets up Node installs', () => {
    for (const name of ['delivery.yml', 'promote-prod.yml']) {
      for (const job of Object.values(workflow(name).jobs)) {
        for (const step of job.steps.filter((s) => s.uses?.startsWith('actions/setup-node@'))) {
          expect(step).toMatchObject({ with: { 'node-version': '${{ env.NODE_VERSION }}' } });
        }
      }
    }
  });
});
