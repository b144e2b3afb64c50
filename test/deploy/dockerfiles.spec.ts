import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { filesUnder, readText, ROOT } from './files';

/** The Dockerfiles of the project (the Elasticsearch one included). */
const DOCKERFILES = [
  ...(existsSync(join(ROOT, 'Dockerfile')) ? ['Dockerfile'] : []),
  ...filesUnder('deploy', (n) => n === 'Dockerfile' || n.endsWith('.Dockerfile')),
];

/** `COPY` lines that take files from the build context (not from another stage). */
function contextCopies(dockerfile: string): string[] {
  const lines = readText(dockerfile)
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(COPY|ADD)\s/i.test(l) && !/--from=/.test(l));
  return lines.flatMap((line) => {
    const parts = line
      .split(/\s+/)
      .slice(1)
      .filter((p) => !p.startsWith('--'));
    if (parts[0]?.startsWith('[')) return JSON.parse(parts.join(' ')).slice(0, -1) as string[];
    return parts.slice(0, -1);
  });
}

/**
 * Whether .dockerignore keeps `path` (or a folder above it) out of the build context: its
 * patterns in order, the last one that matches deciding, `!` re-including (Docker's rules for
 * the patterns this repository uses: a leading /, `*`, `**`, a folder matching what is in it).
 */
function ignoredByDockerignore(path: string): boolean {
  const rules = readText('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const glob = (negated ? line.slice(1) : line).replace(/^\//, '').replace(/\/$/, '');
      const source = glob
        .split('/')
        .map((part) =>
          part === '**'
            ? '.*'
            : part
                .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                .replace(/\*/g, '[^/]*')
                .replace(/\?/g, '[^/]'),
        )
        .join('/')
        .replace(/\.\*\//g, '(?:.*/)?');
      return { negated, pattern: new RegExp(`^${source}(?:/.*)?$`) };
    });
  let ignored = false;
  for (const rule of rules) if (rule.pattern.test(path)) ignored = !rule.negated;
  return ignored;
}

describe('images', () => {
  it('has an app image and a GPU worker image', () => {
    expect(DOCKERFILES.length).toBeGreaterThanOrEqual(3);
    const all = DOCKERFILES.map(readText).join('\n');
    expect(all).toMatch(/nvidia\/cuda:12/);
    expect(all).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12|onnxruntime-node-install=cuda12/);
  });

  it.each(DOCKERFILES)('%s: every COPY source exists in the build context', (dockerfile) => {
    // The Elasticsearch image builds from its own folder (compose: build: ./deploy/docker/elasticsearch).
    const context = dockerfile.startsWith('deploy/docker/elasticsearch')
      ? join('deploy', 'docker', 'elasticsearch')
      : '.';
    const missing = contextCopies(dockerfile).filter((src) => {
      const path = join(ROOT, context, src.replace(/\*.*$/, ''));
      return !existsSync(path);
    });
    expect(missing).toEqual([]);
  });

  it.each(DOCKERFILES.filter((f) => !f.includes('elasticsearch')))(
    '%s: runs as a non-root user with a HEALTHCHECK and production dependencies only',
    (dockerfile) => {
      const text = readText(dockerfile);
      expect(text).toMatch(/^USER\s+(?!root\b|0\b)\S+/m);
      expect(text).toMatch(/^HEALTHCHECK\s/m);
      expect(text).toMatch(/npm ci[^\n]*--omit=dev/);
    },
  );

  it.each(DOCKERFILES.filter((f) => !f.startsWith('deploy/docker/elasticsearch')))(
    '%s: .dockerignore keeps every COPY source in the build context',
    (dockerfile) => {
      const excluded = contextCopies(dockerfile)
        .map((src) => src.replace(/^\.\//, '').replace(/\/$/, ''))
        .filter((src) => src !== '.' && ignoredByDockerignore(src));
      expect(excluded).toEqual([]);
    },
  );

  it('reads .dockerignore as Docker does, for the patterns it uses', () => {
    expect(ignoredByDockerignore('deploy/helm/web/values.yaml')).toBe(true);
    expect(ignoredByDockerignore('deploy/docker/web/nginx.conf')).toBe(false);
    expect(ignoredByDockerignore('apps/web/src/main.tsx')).toBe(false);
    expect(ignoredByDockerignore('apps/web/dist/index.html')).toBe(true);
    expect(ignoredByDockerignore('apps/user-service/test/auth.e2e-spec.ts')).toBe(true);
    expect(ignoredByDockerignore('README.md')).toBe(true);
  });

  it('keeps the build context small with a .dockerignore', () => {
    const ignore = readText('.dockerignore');
    for (const entry of ['node_modules', 'dist', '.git']) expect(ignore).toContain(entry);
  });
});
