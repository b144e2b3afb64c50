import { expect, test } from '@playwright/test';
import { closeMail, linkPath, mailCount, pausedQueue, verifyEmail, waitForMail } from './mail';
import { checkScreen, newEmail, PASSWORD, signUp } from './support';

test.afterAll(closeMail);

test('the mail language is saved on the account and mail follows it', async ({ page }, info) => {
  const email = newEmail('locale');
  await signUp(page, email);
  await page
    .getByRole('navigation', { name: '주 메뉴' })
    .getByRole('link', { name: '계정' })
    .click();
  await expect(page.getByRole('heading', { name: '계정 설정' })).toBeVisible();
  await checkScreen(page, 'settings', info);
  const language = page.getByLabel('메일을 받을 언어');
  await expect(language).toHaveValue('ko');
  await language.selectOption('en');
  await page
    .getByRole('region', { name: '메일 언어' })
    .getByRole('button', { name: '저장' })
    .click();
  await expect(page.getByText('메일 언어를 저장했습니다.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('메일을 받을 언어')).toHaveValue('en');
  // The screen stays Korean: the mail's language is the account's, the screen's the browser's.
  await expect(page.getByRole('heading', { name: '계정 설정' })).toBeVisible();

  await page.getByRole('button', { name: '인증 메일 다시 보내기' }).click();
  await expect(page.getByText('인증 메일을 다시 보냈습니다.', { exact: false })).toBeVisible();
  expect((await waitForMail(email, 'email-verify', 1)).locale).toBe('en');
});

test('a new email waits for its link: a wrong password is refused, the address shows as pending, the link applies it', async ({
  page,
}) => {
  const email = newEmail('old');
  const next = newEmail('new');
  await signUp(page, email);
  await page.goto('/settings');
  const section = page.getByRole('region', { name: '이메일 변경' });
  await section.getByLabel('새 이메일').fill(next);
  await section.getByLabel('현재 비밀번호').fill('not my password at all');
  await section.getByRole('button', { name: '확인 메일 보내기' }).click();
  await expect(section.getByText('비밀번호가 올바르지 않습니다.')).toBeVisible();
  expect(await mailCount(next, 'email-change-verify')).toBe(0);

  await section.getByLabel('현재 비밀번호').fill(PASSWORD);
  await section.getByRole('button', { name: '확인 메일 보내기' }).click();
  await expect(section.getByRole('status')).toHaveText(
    `${next}로 확인 메일을 보냈습니다. 메일의 링크를 열면 이 주소로 바뀝니다.`,
  );
  await expect(section.getByText(`지금 이메일: ${email}`)).toBeVisible();

  const mail = await waitForMail(next, 'email-change-verify');
  await page.goto(linkPath(mail));
  await expect(page.getByRole('heading', { name: '이메일을 인증했습니다' })).toBeVisible();
  await page.goto('/settings');
  await expect(page.getByText(`지금 이메일: ${next}`)).toBeVisible();
  await expect(page.getByText('확인 메일을 보냈습니다', { exact: false })).toHaveCount(0);
});

test('a data export is requested once at a time and its mailed link, valid a day, downloads the zip', async ({
  page,
}) => {
  const email = newEmail('export');
  await signUp(page, email);
  await page.goto('/settings');
  const section = page.getByRole('region', { name: '내 데이터 내려받기' });
  const request = section.getByRole('button', { name: '데이터 내보내기 요청' });
  await expect(section).toContainText('링크는 24시간 동안 쓸 수 있습니다.');
  // The system worker waits (a real pause of its queue) until a second request was refused.
  const exports = await pausedQueue('system-export');
  try {
    await request.click();
    await expect(section.getByRole('status')).toHaveText(
      '요청을 받았습니다. 준비되면 메일로 링크를 보내 드립니다(24시간 동안 유효).',
    );
    await expect(request).toBeDisabled();
    await page.reload();
    await request.click();
    await expect(section.getByRole('status')).toHaveText(
      '데이터를 이미 준비하고 있습니다. 준비되면 메일로 링크를 보내 드립니다.',
    );
  } finally {
    await exports.resume();
    await exports.close();
  }

  const mail = await waitForMail(email, 'export-ready');
  expect(mail.data.expiresHours).toBe(24);
  const zip = await page.request.get(linkPath(mail));
  expect(zip.status()).toBe(200);
  expect(zip.headers()['content-type']).toContain('application/zip');
  expect((await zip.body()).subarray(0, 2).toString()).toBe('PK');
});

test('deleting the account needs the password and the typed address, then says goodbye and the sign-in is closed', async ({
  page,
}, info) => {
  const email = newEmail('leaving');
  await signUp(page, email);
  await verifyEmail(page, email);
  await page.goto('/settings');
  await page.getByRole('button', { name: '계정 삭제…' }).click();
  const dialog = page.getByRole('dialog', { name: '계정을 삭제할까요?' });
  const submit = dialog.getByRole('button', { name: '계정 영구 삭제' });
  await expect(submit).toBeDisabled();
  await dialog.getByLabel('현재 비밀번호').fill(PASSWORD);
  const phrase = dialog.getByLabel(`확인을 위해 ${email}을(를) 입력하세요`);
  await phrase.fill('삭제');
  await expect(submit).toBeDisabled();
  await phrase.fill(email);
  await expect(submit).toBeEnabled();
  await checkScreen(page, 'delete-account', info);

  await dialog.getByLabel('현재 비밀번호').fill('not my password at all');
  await submit.click();
  await expect(dialog.getByText('비밀번호가 올바르지 않습니다.')).toBeVisible();

  await dialog.getByLabel('현재 비밀번호').fill(PASSWORD);
  await submit.click();
  await expect(page.getByRole('heading', { name: '계정을 삭제했습니다' })).toBeVisible();
  await checkScreen(page, 'goodbye', info);
  await page.goto('/generate');
  await expect(page.getByRole('heading', { name: '로그인' })).toBeVisible();
  await page.getByLabel('이메일').fill(email);
  await page.getByLabel('비밀번호').fill(PASSWORD);
  await page.getByRole('button', { name: '로그인' }).click();
  await expect(page.getByText('이메일 또는 비밀번호가 올바르지 않습니다.')).toBeVisible();
  await waitForMail(email, 'account-deleted');
});
