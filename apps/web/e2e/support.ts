import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const PASSWORD = 'correct horse battery staple';
export const PHONE = { width: 360, height: 780 };
export const DESKTOP = { width: 1280, height: 900 };
const SCREENS = join(__dirname, '..', 'test-results', 'screens');

let counter = 0;
export function newEmail(tag: string): string {
  counter += 1;
  return `${tag}-${Date.now().toString(36)}-${process.pid}-${counter}@example.com`;
}

export function adminEmail(): string {
  const email = process.env.PINGVAS_ADMIN_EMAIL;
  if (!email) throw new Error('global setup did not set PINGVAS_ADMIN_EMAIL');
  return email;
}

/** Signs up in the Korean UI and waits for the Generate screen. */
export async function signUp(page: Page, email: string): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('이메일').fill(email);
  await page.getByLabel('비밀번호').fill(PASSWORD);
  await page.getByRole('button', { name: '회원가입' }).click();
  await expect(page.getByRole('heading', { name: '이미지 생성' })).toBeVisible();
}

/** Signs in (an existing account, e.g. the admin from ADMIN_EMAILS, signs up the first time). */
export async function signIn(page: Page, email: string): Promise<void> {
  await page.goto('/signin');
  await page.getByLabel('이메일').fill(email);
  await page.getByLabel('비밀번호').fill(PASSWORD);
  await page.getByRole('button', { name: '로그인' }).click();
  await expect(page.getByRole('heading', { name: '이미지 생성' })).toBeVisible();
}

/** The admin from ADMIN_EMAILS: signs up on first use (tests run in parallel), signs in after. */
export async function asAdmin(page: Page): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('이메일').fill(adminEmail());
  await page.getByLabel('비밀번호').fill(PASSWORD);
  await page.getByRole('button', { name: '회원가입' }).click();
  const taken = page.getByText('이미 가입된 이메일입니다.');
  await expect(taken.or(page.getByRole('heading', { name: '이미지 생성' }))).toBeVisible();
  if (await taken.isVisible()) await signIn(page, adminEmail());
}

/** Generates one image with the model's defaults and waits until it is shown. */
export async function generate(page: Page, prompt: string): Promise<void> {
  await page.goto('/generate');
  await page.getByLabel('프롬프트', { exact: true }).fill(prompt);
  await page.getByRole('button', { name: '생성하기' }).click();
  const live = page.getByRole('region', { name: '진행 상황' });
  await expect(live.getByRole('status').first()).toHaveText('완료', { timeout: 60_000 });
  await expect(live.getByRole('img', { name: `생성된 이미지: ${prompt}` })).toBeVisible();
}

/** No serious or critical axe violation on what the page shows now. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  expect(bad, `axe on ${screen}`).toEqual([]);
}

/**
 * The screen at phone and desktop width: axe at both, and a screenshot of each kept with the
 * test results (test-results/screens) for a person to look at.
 */
export async function checkScreen(page: Page, screen: string, info: TestInfo): Promise<void> {
  mkdirSync(SCREENS, { recursive: true });
  for (const [width, size] of [['desktop', DESKTOP] as const, ['phone', PHONE] as const]) {
    await page.setViewportSize(size);
    await page.evaluate(() => document.fonts.ready);
    await expectAccessible(page, `${screen} (${width})`);
    // From the top: a full-page shot of a scrolled page repeats the sticky header mid-page.
    await page.evaluate(() => window.scrollTo(0, 0));
    const path = join(SCREENS, `${screen}-${width}.png`);
    await page.screenshot({ path, fullPage: true });
    await info.attach(`${screen}-${width}`, { path, contentType: 'image/png' });
  }
  await page.setViewportSize(DESKTOP);
}

/** Records every request the page sends to the API, to show that bad input sends nothing. */
export function recordApiCalls(page: Page): { method: string; path: string }[] {
  const calls: { method: string; path: string }[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/v1/'))
      calls.push({ method: request.method(), path: url.pathname });
  });
  return calls;
}
