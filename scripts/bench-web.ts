import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { percentile, until } from './bench-stats';
import { cloneGalleryImage, startSuite } from './suite-launcher';

/**
 * `npm run bench:web`: the gzipped size of what the first load of the web app fetches (the
 * entry script, its modulepreloads and the stylesheet in dist/index.html), then, in Debian's
 * Chromium with a cold cache each run, the time from navigation until the gallery of a user
 * with 500 images has rendered its first screen of thumbnails. Budgets: 170 KB JS, 1 s.
 */
const DIST = join(__dirname, '..', '..', 'apps', 'web', 'dist');
const IMAGES = Number(process.env.BENCH_IMAGES ?? 500);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PASSWORD = 'correct horse battery staple';
/**
 * Evaluated in the page (a string: this file is compiled without the DOM's types): the time
 * since navigation once the thumbnails on screen, at least six, have all loaded and decoded.
 */
const FIRST_SCREEN_RENDERED = `(() => {
  const tiles = [...document.querySelectorAll('[role="listitem"] img')];
  const onScreen = tiles.filter((img) => img.getBoundingClientRect().top < window.innerHeight);
  const done = onScreen.length >= 6 && onScreen.every((img) => img.complete && img.naturalWidth > 0);
  return done ? performance.now() : false;
})()`;

function initialAssets(): { js: string[]; css: string[] } {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const attr = (re: RegExp) => [...html.matchAll(re)].map((m) => m[1]);
  return {
    js: [
      ...attr(/<script[^>]+type="module"[^>]+src="([^"]+)"/g),
      ...attr(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
    ],
    css: attr(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g),
  };
}

const gzipKb = (files: string[]) =>
  files.reduce((sum, f) => sum + gzipSync(readFileSync(join(DIST, f))).length, 0) / 1024;

async function api<T>(
  base: string,
  path: string,
  init: RequestInit & { token?: string } = {},
): Promise<T> {
  const res = await fetch(`${base}/api/v1${path}`, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
  });
  if (!res.ok)
    throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** One real generation through the API, then its gallery row cloned to IMAGES rows. */
async function seed(base: string, databaseUrl: string, schema: string): Promise<string> {
  const email = `bench-${Date.now()}@example.com`;
  const { accessToken } = await api<{ accessToken: string }>(base, '/auth/signup', {
    method: 'POST',
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  await until('credits', () =>
    api<{ available: number }>(base, '/credits/balance', { token: accessToken }).then((b) =>
      b.available > 0 ? b : undefined,
    ),
  );
  await api(base, '/generations', {
    method: 'POST',
    token: accessToken,
    body: JSON.stringify({ prompt: '창가에 앉은 고양이, 수채화' }),
  });
  const first = await until('the first image', () =>
    api<{ items: { id: string }[] }>(base, '/images?limit=1', { token: accessToken }).then(
      (p) => p.items[0],
    ),
  );
  await cloneGalleryImage({ databaseUrl, schema }, first.id, IMAGES - 1);
  return email;
}

/** Where the time of one load went: each request's path, start and end (ms). */
const TIMELINE = `performance.getEntriesByType('resource').map((e) =>
  [new URL(e.name).pathname, Math.round(e.startTime), Math.round(e.responseEnd)])`;

function printTimeline(entries: [string, number, number][]): void {
  const thumbs = entries.filter(([path]) => path.endsWith('/thumbnail'));
  for (const [path, start, end] of entries.filter((e) => !e[0].endsWith('/thumbnail')))
    console.log(
      `  ${String(start).padStart(5)}-${String(end).padEnd(5)} ${path.replace(/[0-9a-f-]{36}/g, ':id')}`,
    );
  if (thumbs.length > 0)
    console.log(
      `  ${String(Math.min(...thumbs.map((t) => t[1]))).padStart(5)}-${String(Math.max(...thumbs.map((t) => t[2]))).padEnd(5)} ${thumbs.length} thumbnails`,
    );
}

async function main(): Promise<void> {
  const assets = initialAssets();
  const js = gzipKb(assets.js);
  const css = gzipKb(assets.css);
  console.log(`initial JS  ${js.toFixed(1)} KB gzipped (${assets.js.length} files; budget 170 KB)`);
  console.log(`initial CSS ${css.toFixed(1)} KB gzipped (${assets.css.length} files)`);

  const suite = await startSuite({ tag: 'benchweb' });
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const email = await seed(suite.webUrl, suite.databaseUrl, suite.schema);
    const signIn = await browser.newContext({ baseURL: suite.webUrl, locale: 'ko-KR' });
    const page = await signIn.newPage();
    await page.goto('/signin');
    await page.getByLabel('이메일').fill(email);
    await page.getByLabel('비밀번호').fill(PASSWORD);
    await page.getByRole('button', { name: '로그인' }).click();
    await page.getByRole('heading', { name: '이미지 생성' }).waitFor();

    const times: number[] = [];
    const warm: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      // A fresh context each run: a cold HTTP cache, only the refresh cookie carried over.
      const cookies = await signIn.cookies();
      // bypassCSP: the edge's CSP forbids eval, which a string predicate needs; nothing else changes.
      const context = await browser.newContext({
        bypassCSP: true,
        baseURL: suite.webUrl,
        locale: 'ko-KR',
        viewport: { width: 1280, height: 900 },
      });
      await context.addCookies(cookies);
      const gallery = await context.newPage();
      await gallery.goto('/gallery', { waitUntil: 'commit' });
      const ms = await gallery.waitForFunction(FIRST_SCREEN_RENDERED, undefined, {
        timeout: 30_000,
        polling: 'raf',
      });
      times.push(Number(await ms.jsonValue()));
      // The same again with the cache warm (hashed assets and thumbnails are immutable).
      await gallery.reload({ waitUntil: 'commit' });
      const again = await gallery.waitForFunction(FIRST_SCREEN_RENDERED, undefined, {
        timeout: 30_000,
        polling: 'raf',
      });
      warm.push(Number(await again.jsonValue()));
      if (process.env.BENCH_WEB_TRACE && run === RUNS - 1)
        printTimeline(await gallery.evaluate<[string, number, number][]>(TIMELINE));
      await signIn.addCookies(await context.cookies()); // the refresh rotated the cookie
      await context.close();
    }
    const report = (label: string, values: number[]) =>
      console.log(
        `gallery with ${IMAGES} images, first screen rendered, ${label}: p50 ${percentile(values, 50).toFixed(0)} ms, ` +
          `max ${Math.max(...values).toFixed(0)} ms over ${RUNS} loads (budget 1000 ms)`,
      );
    report('cold cache', times);
    report('warm cache', warm);
    console.log(
      `load average while measuring: ${loadavg()
        .map((n) => n.toFixed(1))
        .join(' ')} on ${cpus().length} cores`,
    );
  } finally {
    await browser.close();
    await suite.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
