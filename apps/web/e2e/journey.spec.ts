import { expect, test } from '@playwright/test';
import { generate, newEmail, PASSWORD, signUp } from './support';

/**
 * A person's day in the Korean UI, end to end through the edge: every step is what they see
 * and click, against the real services, queue, worker and gallery.
 */
test('a day with Pingvas: sign up, generate two, find them in Korean, organise, delete, stay signed in, sign out and back in', async ({
  page,
}) => {
  const email = newEmail('journey');
  await signUp(page, email);
  const balance = page.getByRole('link', { name: /^잔액/ });
  await expect(balance).toHaveText('100 크레딧');

  // Two generations (the free plan makes one image at a time), each followed live to the end.
  await generate(page, '창가에 앉은 고양이');
  const live = page.getByRole('region', { name: '진행 상황' });
  await expect(live.getByRole('progressbar', { name: '생성 진행률' })).toHaveAttribute(
    'aria-valuenow',
    '100',
  );
  await page.getByLabel('프롬프트', { exact: true }).fill('정원에서 노는 고양이');
  await page.getByRole('button', { name: '생성하기' }).click();
  await expect(live.getByRole('status').first()).toHaveText('완료', { timeout: 60_000 });
  await expect(live.getByRole('progressbar', { name: '생성 진행률' })).toHaveAttribute(
    'aria-valuenow',
    '100',
  );
  await expect(page.getByRole('img', { name: '생성된 이미지: 창가에 앉은 고양이' })).toBeVisible();
  await expect(
    page.getByRole('img', { name: '생성된 이미지: 정원에서 노는 고양이' }),
  ).toBeVisible();
  await expect(balance).toHaveText('90 크레딧');

  // The gallery shows both.
  await page
    .getByRole('navigation', { name: '주 메뉴' })
    .getByRole('link', { name: '갤러리' })
    .click();
  const tiles = page
    .getByRole('listitem')
    .filter({ has: page.getByRole('link', { name: /^이미지 열기/ }) });
  await expect(tiles).toHaveCount(2);

  // Search: suggestions while typing, a word, and initial consonants.
  await page.goto('/search');
  const box = page.getByRole('combobox', { name: '프롬프트 검색' });
  await box.fill('창가');
  const suggestion = page.getByRole('option', { name: '창가에 앉은 고양이' });
  await expect(suggestion).toBeVisible();
  // Escape closes an open list and keeps the text. (With no list showing yet, Escape in a
  // search field clears it, as browsers do: so it is pressed only once the list is there.)
  await box.press('Escape');
  await expect(suggestion).toBeHidden();
  await expect(box).toHaveValue('창가');
  await box.fill('고양이');
  await page.getByRole('button', { name: '검색', exact: true }).click();
  await expect(page.getByRole('link', { name: /^이미지 열기/ })).toHaveCount(2);
  await box.fill('ㄱㅇㅇ');
  await page.getByRole('button', { name: '검색', exact: true }).click();
  await expect(page).toHaveURL(/q=%E3%84%B1%E3%85%87%E3%85%87/);
  await expect(page.getByRole('link', { name: /^이미지 열기/ })).toHaveCount(2);

  // Star one, make a board, move the other into it, and filter by each.
  await page.goto('/gallery');
  await page.getByRole('button', { name: '별표: 창가에 앉은 고양이' }).click();
  await expect(page.getByRole('button', { name: '별표: 창가에 앉은 고양이' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await page.getByLabel('새 보드 이름').fill('정원 풍경');
  await page.getByRole('button', { name: '보드 만들기' }).click();
  await expect(page.getByRole('button', { name: '정원 풍경 (0)' })).toBeVisible();
  await page.getByRole('checkbox', { name: '선택: 정원에서 노는 고양이' }).check();
  await expect(page.getByText('1장 선택됨')).toBeVisible();
  await page
    .getByRole('region', { name: '선택한 이미지' })
    .getByRole('combobox')
    .selectOption({ label: '정원 풍경' });
  await page.getByRole('button', { name: '옮기기' }).click();
  await expect(page.getByRole('button', { name: '정원 풍경 (1)' })).toBeVisible();
  await page.getByRole('button', { name: '정원 풍경 (1)' }).click();
  await expect(page.getByRole('link', { name: /^이미지 열기/ })).toHaveCount(1);
  await expect(page.getByRole('link', { name: '이미지 열기: 정원에서 노는 고양이' })).toBeVisible();
  await page
    .getByRole('group', { name: '필터' })
    .getByLabel('보드')
    .selectOption({ label: '모든 보드' });
  // click, then look again: the grid's filters render anew for the new filter, so the
  // checkbox that was clicked may not be the one on the page afterwards.
  await page.getByLabel('별표한 이미지만').click();
  await expect(page.getByLabel('별표한 이미지만')).toBeChecked();
  await expect(page.getByRole('link', { name: /^이미지 열기/ })).toHaveCount(1);
  await expect(page.getByRole('link', { name: '이미지 열기: 창가에 앉은 고양이' })).toBeVisible();
  await page.getByLabel('별표한 이미지만').click();
  await expect(page.getByLabel('별표한 이미지만')).not.toBeChecked();

  // The detail page, "use these settings", then delete: gone from the gallery and search.
  await page.getByRole('link', { name: '이미지 열기: 정원에서 노는 고양이' }).click();
  await expect(page.getByRole('heading', { name: '이미지 정보' })).toBeVisible();
  const seed = await page.locator('dt:text-is("시드") + dd').innerText();
  await page.getByRole('link', { name: '이 설정으로 생성' }).click();
  await expect(page.getByLabel('프롬프트', { exact: true })).toHaveValue('정원에서 노는 고양이');
  await expect(page.getByRole('radio', { name: '고정' })).toBeChecked();
  await expect(page.getByLabel('시드 값')).toHaveValue(seed);
  await page.goBack();
  await page.getByRole('link', { name: '갤러리로 돌아가기' }).click();
  await page.getByRole('link', { name: '이미지 열기: 창가에 앉은 고양이' }).click();
  await page.getByRole('button', { name: '삭제' }).click();
  await page
    .getByRole('dialog', { name: '이미지 삭제' })
    .getByRole('button', { name: '삭제' })
    .click();
  await expect(page.getByRole('heading', { name: '갤러리' })).toBeVisible();
  await expect(page.getByRole('link', { name: /^이미지 열기/ })).toHaveCount(1);
  await expect(page.getByRole('link', { name: '이미지 열기: 창가에 앉은 고양이' })).toHaveCount(0);
  await page.goto('/search?q=고양이');
  await expect(page.getByRole('link', { name: /^이미지 열기/ })).toHaveCount(1);

  // A reload keeps the session (the refresh cookie), sign out ends it, signing in brings it back.
  await page.goto('/gallery');
  await page.reload();
  await expect(page.getByRole('heading', { name: '갤러리' })).toBeVisible();
  await expect(page.getByRole('link', { name: /^이미지 열기/ })).toHaveCount(1);
  await page.getByRole('button', { name: '로그아웃' }).click();
  await expect(page.getByRole('heading', { name: '로그인' })).toBeVisible();
  await page.goto('/gallery');
  await expect(page.getByRole('heading', { name: '로그인' })).toBeVisible();
  await page.getByLabel('이메일').fill(email);
  await page.getByLabel('비밀번호').fill(PASSWORD);
  await page.getByRole('button', { name: '로그인' }).click();
  await expect(page.getByRole('heading', { name: '갤러리' })).toBeVisible();
  await expect(page.getByRole('link', { name: /^이미지 열기/ })).toHaveCount(1);
});
