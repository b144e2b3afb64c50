import { expect, test } from '@playwright/test';
import { adminEmail, asAdmin, checkScreen, generate, newEmail, PASSWORD, signUp } from './support';

const SIGNED_IN_SCREENS = [
  { path: '/generate', heading: '이미지 생성', en: 'Generate images', name: 'generate' },
  { path: '/gallery', heading: '갤러리', en: 'Gallery', name: 'gallery' },
  { path: '/search?q=고양이', heading: '검색', en: 'Search', name: 'search' },
  { path: '/queue', heading: '내 대기열', en: 'My queue', name: 'queue' },
  { path: '/credits', heading: '크레딧과 플랜', en: 'Credits and plans', name: 'credits' },
  { path: '/api-keys', heading: 'API 키', en: 'API keys', name: 'api-keys' },
  { path: '/settings', heading: '계정 설정', en: 'Account settings', name: 'settings' },
  { path: '/admin', heading: '관리자', en: 'Admin', name: 'admin' },
];

test('every screen, at phone and desktop width, has no serious or critical axe violation (screenshots kept)', async ({
  page,
  browser,
}, info) => {
  test.setTimeout(360_000); // eleven screens, two widths, axe and a screenshot each
  // axe needs a page of its own context (browser.newPage() would share none).
  const visitor = await (
    await browser.newContext({ viewport: { width: 1280, height: 900 } })
  ).newPage();
  await visitor.goto('/signin');
  await expect(visitor.getByRole('heading', { name: '로그인' })).toBeVisible();
  await checkScreen(visitor, 'sign-in', info);
  await visitor.goto('/signup');
  await expect(visitor.getByRole('heading', { name: '회원가입' })).toBeVisible();
  await checkScreen(visitor, 'sign-up', info);

  await asAdmin(page);
  await generate(page, '창가에 앉은 고양이, 수채화');
  await checkScreen(page, 'generate-done', info);
  for (const screen of SIGNED_IN_SCREENS) {
    await page.goto(screen.path);
    await expect(page.getByRole('heading', { name: screen.heading, exact: true })).toBeVisible();
    await page.waitForLoadState('networkidle');
    await checkScreen(page, screen.name, info);
  }
  await page.goto('/gallery');
  await page
    .getByRole('link', { name: /^이미지 열기/ })
    .first()
    .click();
  await expect(page.getByRole('heading', { name: '이미지 정보' })).toBeVisible();
  await checkScreen(page, 'image-detail', info);

  // Dark, as the system asks: the same checks (contrast above all).
  await page.emulateMedia({ colorScheme: 'dark' });
  for (const screen of SIGNED_IN_SCREENS.slice(0, 2)) {
    await page.goto(screen.path);
    await expect(page.getByRole('heading', { name: screen.heading, exact: true })).toBeVisible();
    await page.waitForLoadState('networkidle');
    await checkScreen(page, `${screen.name}-dark`, info);
  }
});

test('the English switch translates every screen', async ({ page }) => {
  await signUp(page, newEmail('english'));
  await page.getByRole('combobox', { name: '언어' }).selectOption('en');
  await expect(page.getByRole('heading', { name: 'Generate images' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  const hangulOutsideUserContent = () =>
    page.evaluate(() => {
      const clone = document.body.cloneNode(true) as HTMLElement;
      // Names of languages are written in their own language, and prompts are the user's words.
      clone.querySelectorAll('option[lang], [lang="ko"]').forEach((el) => el.remove());
      return (clone.textContent ?? '').match(/[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]+/g) ?? [];
    });
  for (const screen of SIGNED_IN_SCREENS.filter((s) => s.name !== 'admin')) {
    await page.goto(screen.path.replace('고양이', 'cat'));
    await expect(page.getByRole('heading', { name: screen.en, exact: true })).toBeVisible();
    await page.waitForLoadState('networkidle');
    expect(await hangulOutsideUserContent(), screen.path).toEqual([]);
  }
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect(await hangulOutsideUserContent()).toEqual([]);
  await page.goto('/forgot-password');
  await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
  expect(await hangulOutsideUserContent()).toEqual([]);
  await page.goto('/signup');
  await expect(page.getByRole('heading', { name: 'Create an account' })).toBeVisible();
  expect(await hangulOutsideUserContent()).toEqual([]);

  // The admin screen too, for an admin.
  await page.getByLabel('Email').fill(adminEmail());
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  const taken = page.getByText('This email already has an account.');
  await expect(taken.or(page.getByRole('heading', { name: 'Generate images' }))).toBeVisible();
  if (await taken.isVisible()) {
    await page.goto('/signin');
    await page.getByLabel('Email').fill(adminEmail());
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await expect(page.getByRole('heading', { name: 'Generate images' })).toBeVisible();
  await page.goto('/admin');
  await expect(page.getByRole('heading', { name: 'Admin', exact: true })).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(await hangulOutsideUserContent(), '/admin').toEqual([]);
});
