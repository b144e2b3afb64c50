import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root, from dist/scripts. */
const ROOT = join(__dirname, '..', '..');
const WEB_DIR = join(ROOT, 'apps', 'web');
const BUILT = join(WEB_DIR, 'dist', 'index.html');
/** What the web build reads: the app and the contracts it imports (the route table, the cookie). */
const SOURCES = [WEB_DIR, join(ROOT, 'libs', 'contracts', 'src')];
const SKIPPED = new Set(['dist', 'e2e', 'node_modules', 'test-results', 'playwright-report']);

function newestChange(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function hasBuildScript(): boolean {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  return Boolean(pkg.scripts?.['build:web']);
}

/**
 * `npm start` builds the web app (npm run build:web, into apps/web/dist) when the build is
 * missing or older than its sources, as it builds the TypeScript. A failed build is reported
 * and the suite starts anyway: the API works, and the edge's page says how to build the app.
 * With WEB_DIST set the edge serves that folder and nothing is built.
 */
export function ensureWebBuild(say: (line: string) => void): void {
  if (process.env.WEB_DIST || !existsSync(WEB_DIR) || !hasBuildScript()) return;
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= Math.max(...SOURCES.map(newestChange))) {
    return;
  }
  say('building the web app (npm run build:web)...');
  const result = spawnSync('npm', ['run', '-s', 'build:web'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    say('the web app did not build (see above); starting the API without it');
  }
}
