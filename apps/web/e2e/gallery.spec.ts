import { expect, test } from '@playwright/test';
import { cloneGalleryImage } from '../../../scripts/suite-launcher';
import { generate, newEmail, signUp } from './support';

test('the gallery loads the next cursor page as you scroll, keeping only the rows on screen in the page', async ({
  page,
}) => {
  await signUp(page, newEmail('scroll'));
  await generate(page, '끝없이 이어지는 고양이');
  const href = await page
    .getByRole('link', { name: '생성된 이미지: 끝없이 이어지는 고양이' })
    .getAttribute('href');
  const imageId = href?.split('/').pop() ?? '';
  await cloneGalleryImage(
    { databaseUrl: process.env.PINGVAS_DATABASE_URL!, schema: process.env.PINGVAS_DB_SCHEMA! },
    imageId,
    149,
  );

  await page.goto('/gallery');
  await expect(page.getByText('이미지 60장 이상')).toBeVisible();
  const tiles = page.getByRole('link', { name: /^이미지 열기/ });
  await expect(tiles.first()).toBeVisible();
  expect(await tiles.count()).toBeLessThan(60); // virtualised: not every tile is in the page
  for (const expected of ['이미지 120장 이상', '이미지 150장']) {
    await page.mouse.wheel(0, 100_000);
    await expect(page.getByText(expected)).toBeVisible();
  }
  await page.mouse.wheel(0, 100_000); // to the end of what is now loaded
  await expect(
    page.getByRole('link', { name: '이미지 열기: 끝없이 이어지는 고양이', exact: true }),
  ).toHaveCount(0);
  await expect(
    page.getByRole('link', { name: '이미지 열기: 끝없이 이어지는 고양이 149' }),
  ).toBeVisible();
});
