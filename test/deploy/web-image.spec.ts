import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sparePort } from '@pingvas/testing';
import request from 'supertest';
import { SECURITY_HEADERS } from '../../apps/edge/src/security-headers';
import { readText } from './files';

const CONF = 'deploy/docker/web/nginx.conf';

/** `add_header Name "value" always;` lines of the server block, as a header map. */
function addedHeaders(conf: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of conf.matchAll(/^\s*add_header\s+([\w-]+)\s+"([^"]*)"\s+always;/gm)) {
    out[m[1]] = m[2];
  }
  return out;
}

describe('the web image’s nginx.conf', () => {
  it('sets the edge’s security headers, each once in the server block', () => {
    const conf = readText(CONF);
    expect(addedHeaders(conf)).toEqual(SECURITY_HEADERS);
    // An add_header inside a location would silently drop the server's: there is none.
    const locations = conf
      .split(/\n\s*location\s/)
      .slice(1)
      .map((l) => l.split('\n    }')[0]);
    expect(locations.filter((l) => l.includes('add_header'))).toEqual([]);
  });

  it('listens on 8080 and writes only under /tmp (read-only root filesystem)', () => {
    const conf = readText(CONF);
    expect(conf).toMatch(/^\s*listen 8080;/m);
    expect(conf).toMatch(/^pid \/tmp\//m);
    for (const m of conf.matchAll(/^\s*(\w+_temp_path)\s+(\S+);/gm))
      expect(m[2]).toMatch(/^\/tmp\//);
  });
});

const nginx = spawnSync('nginx', ['-v']).status === 0;
if (!nginx) {
  process.stderr.write(
    'test/deploy/web-image.spec.ts: no nginx on this machine (apt-get install nginx-light); the tests that run nginx.conf are skipped\n',
  );
}

/** deploy/docker/web/nginx.conf under a real nginx, on a spare port, serving a miniature build. */
(nginx ? describe : describe.skip)('the web image’s nginx.conf under a real nginx', () => {
  let dir: string;
  let child: ChildProcess;
  let url: string;
  const http = () => request(url);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pingvas-nginx-'));
    const html = join(dir, 'html');
    await mkdir(join(html, 'assets'), { recursive: true });
    await writeFile(
      join(html, 'index.html'),
      `<!doctype html><div id="root"></div>${'<!-- x -->'.repeat(200)}`,
    );
    await writeFile(join(html, 'assets', 'index-3f9a1c.js'), 'console.log("plain")\n');
    // A precompressed twin with other content proves gzip_static serves the .gz file.
    await writeFile(
      join(html, 'assets', 'index-3f9a1c.js.gz'),
      gzipSync('console.log("from .gz")\n'),
    );
    // Workers of an nginx started as root run as nobody: the build must be world-readable.
    for (const p of [dir, html, join(html, 'assets')]) await chmod(p, 0o755);
    const port = await sparePort();
    const conf = (await readFile(CONF, 'utf8'))
      .replaceAll('/tmp/', `${dir}/`)
      .replace('listen 8080;', `listen 127.0.0.1:${port};`)
      .replace('root /usr/share/nginx/html;', `root ${html};`)
      .replace('access_log /dev/stdout;', 'access_log off;')
      .replace('error_log /dev/stderr warn;', `error_log ${dir}/error.log warn;`);
    await writeFile(join(dir, 'nginx.conf'), conf);
    child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const stderr: string[] = [];
    child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
    url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const ok = await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (child.exitCode !== null || Date.now() > deadline) {
        const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '');
        throw new Error(`nginx did not start: ${stderr.join('')}${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGQUIT');
      await exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each(['/', '/gallery/42', '/settings/api-keys'])(
    'answers %s with index.html, revalidated, with the security headers',
    async (path) => {
      const res = await http().get(path).expect(200);
      expect(res.text).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        expect([name, res.headers[name.toLowerCase()]]).toEqual([name, value]);
      }
    },
  );

  it('caches hashed assets for a year and serves their precompressed .gz', async () => {
    // supertest unzips what it receives: the text is the .gz twin's, not the plain file's.
    const res = await http()
      .get('/assets/index-3f9a1c.js')
      .set('Accept-Encoding', 'gzip')
      .buffer(true)
      .expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.text).toContain('from .gz');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('compresses the page on the fly', async () => {
    const res = await http().get('/').set('Accept-Encoding', 'gzip').expect(200);
    expect(res.headers['content-encoding']).toBe('gzip');
  });

  it('answers a missing asset with 404, not with the page', async () => {
    const res = await http().get('/assets/index-000000.js').expect(404);
    expect(res.text).not.toContain('<div id="root">');
  });

  it('answers the probes', async () => {
    await http().get('/health').expect(200);
    await http().get('/ready').expect(200);
  });
});
