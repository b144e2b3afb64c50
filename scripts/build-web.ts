import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Builds the web app (apps/web → apps/web/dist) with Vite. With `--if-stale` it builds only
 * when dist/index.html is missing or older than any source of the app (its files, the shared
 * contracts it imports, the lock file), so `npm start` stays quick when nothing changed.
 */
const ROOT = join(__dirname, '..', '..');
const WEB = join(ROOT, 'apps', 'web');
const INDEX = join(WEB, 'dist', 'index.html');
const SOURCES = [
  join(WEB, 'src'),
  join(WEB, 'public'),
  join(WEB, 'index.html'),
  join(WEB, 'vite.config.ts'),
  join(ROOT, 'libs', 'contracts', 'src'),
  join(ROOT, 'package-lock.json'),
];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), 0);
}

function isStale(): boolean {
  if (!existsSync(INDEX)) return true;
  const built = statSync(INDEX).mtimeMs;
  return SOURCES.some((source) => newestMtime(source) > built);
}

if (process.argv.includes('--if-stale') && !isStale()) process.exit(0);
process.stdout.write('building the web app (apps/web/dist)...\n');
const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
const result = spawnSync(
  process.execPath,
  [vite, 'build', '--config', join(WEB, 'vite.config.ts'), '--logLevel', 'warn'],
  // The config imports the contracts' TypeScript, which Vite's bundled config loader reads fine.
  {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
  },
);
process.exit(result.status ?? 1);
