import { expect, test } from '@playwright/test';
import { closeMail, linkPath, mailCount, sql, waitForMail } from './mail';
import { checkScreen, newEmail, PASSWORD, recordApiCalls, signIn, signUp } from './support';

test.afterAll(closeMail);

test('sign-up mails a verification link in Korean; the banner offers a new one; the link verifies once and the banner goes', async ({
  page,
}, info) => {
  const email = newEmail('verify');
  await signUp(page, email);
  const banner = page.getByRole('region', { name: '이메일 인증 안내' });
  await expect(banner).toContainText(`${email} 주소를 인증해 주세요.`);
  await expect(banner).toContainText('플랜 결제와 API 키 만들기는 인증한 뒤에 쓸 수 있습니다.');
  const first = await waitForMail(email, 'email-verify');
  expect(first.locale).toBe('ko');

  await banner.getByRole('button', { name: '인증 메일 다시 보내기' }).click();
  await expect(banner.getByText('인증 메일을 다시 보냈습니다.', { exact: false })).toBeVisible();
  const second = await waitForMail(email, 'email-verify', 1);
  expect(second.data.link).not.toBe(first.data.link);

  await page.goto(linkPath(second));
  await expect(page.getByRole('heading', { name: '이메일을 인증했습니다' })).toBeVisible();
  await expect(page.getByText(`${email} 주소를 인증했습니다.`, { exact: false })).toBeVisible();
  await checkScreen(page, 'verify-email-done', info);
  await page.getByRole('link', { name: 'Pingvas로 가기' }).click();
  await expect(page.getByRole('heading', { name: '이미지 생성' })).toBeVisible();
  await expect(page.getByRole('region', { name: '이메일 인증 안내' })).toHaveCount(0);

  // Each link is spent once.
  await page.goto(linkPath(second));
  await expect(page.getByRole('heading', { name: '인증 링크를 쓸 수 없습니다' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText(
    '인증 링크가 올바르지 않거나 이미 사용되었습니다.',
  );
});

test('an expired verification link says so and offers a new link to a signed-in user', async ({
  page,
}, info) => {
  const email = newEmail('expired');
  await signUp(page, email);
  const mail = await waitForMail(email, 'email-verify');
  await sql(
    `UPDATE "email_tokens" SET "expires_at" = now() - interval '1 minute'
     WHERE "purpose" = 'verify-email'
       AND "user_id" = (SELECT "id" FROM "users" WHERE "email" = $1)`,
    [email],
  );
  await page.goto(linkPath(mail));
  await expect(page.getByRole('heading', { name: '인증 링크가 만료되었습니다' })).toBeVisible();
  await checkScreen(page, 'verify-email-expired', info);
  await page.getByRole('button', { name: '인증 메일 다시 보내기' }).click();
  await expect(page.getByText('인증 메일을 다시 보냈습니다.', { exact: false })).toBeVisible();
  await waitForMail(email, 'email-verify', 1);
});

test('checkout and API keys tell an unverified user why they are refused, with the link to send again', async ({
  page,
}) => {
  const email = newEmail('unverified');
  await signUp(page, email);
  await waitForMail(email, 'email-verify');
  const notice = '이메일 인증이 필요합니다.';

  await page.goto('/credits');
  await page.getByRole('button', { name: 'Starter 플랜 결제하기' }).click();
  const refused = page.getByRole('alert').filter({ hasText: notice });
  await expect(refused).toBeVisible();
  await refused.getByRole('button', { name: '인증 메일 다시 보내기' }).click();
  await expect(refused.getByText('인증 메일을 다시 보냈습니다.', { exact: false })).toBeVisible();
  await waitForMail(email, 'email-verify', 1);

  await page
    .getByRole('navigation', { name: '주 메뉴' })
    .getByRole('link', { name: 'API 키' })
    .click();
  await page.getByLabel('키 이름').fill('배포 스크립트');
  await page.getByRole('button', { name: 'API 키 만들기' }).click();
  await expect(page.getByRole('alert').filter({ hasText: notice })).toBeVisible();
  await expect(page.getByTestId('api-key-secret')).toHaveCount(0);
});

test('forgot password says the same for any address and mails only an account; the link sets a new password once', async ({
  page,
  browser,
}, info) => {
  const email = newEmail('forgot');
  await signUp(page, email);
  await page.getByRole('button', { name: '로그아웃' }).click();
  await page.getByRole('link', { name: '비밀번호를 잊으셨나요?' }).click();
  await expect(page.getByRole('heading', { name: '비밀번호 재설정' })).toBeVisible();
  await checkScreen(page, 'forgot-password', info);

  const nobody = newEmail('nobody');
  await page.getByLabel('이메일').fill(nobody);
  await page.getByRole('button', { name: '재설정 링크 보내기' }).click();
  await expect(page.getByRole('status')).toHaveText(
    `${nobody}로 가입된 계정이 있다면 비밀번호 재설정 메일을 보냈습니다.`,
  );
  await page.reload();
  await page.getByLabel('이메일').fill(email);
  await page.getByRole('button', { name: '재설정 링크 보내기' }).click();
  await expect(page.getByRole('status')).toHaveText(
    `${email}로 가입된 계정이 있다면 비밀번호 재설정 메일을 보냈습니다.`,
  );
  const mail = await waitForMail(email, 'password-reset');
  expect(await mailCount(nobody, 'password-reset')).toBe(0);

  // A second browser still signed in with the old password is signed out by the reset.
  const other = await (await browser.newContext()).newPage();
  await signIn(other, email);

  await page.goto(linkPath(mail));
  await expect(page.getByRole('heading', { name: '새 비밀번호 정하기' })).toBeVisible();
  await expect(page.getByText('10자 이상 256자 이하로 정하세요.')).toBeVisible();
  const calls = recordApiCalls(page);
  await page.getByLabel('새 비밀번호').fill('short');
  await page.getByRole('button', { name: '비밀번호 바꾸기' }).click();
  await expect(page.getByLabel('새 비밀번호')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('비밀번호는 10자 이상 256자 이하여야 합니다.')).toBeVisible();
  expect(calls.filter((c) => c.path === '/api/v1/auth/password/reset')).toEqual([]);
  await checkScreen(page, 'reset-password', info);

  const fresh = 'a brand new passphrase 2026';
  await page.getByLabel('새 비밀번호').fill(fresh);
  await page.getByRole('button', { name: '비밀번호 바꾸기' }).click();
  await expect(page.getByRole('heading', { name: '로그인' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('비밀번호를 바꿨습니다.');

  await page.getByLabel('이메일').fill(email);
  await page.getByLabel('비밀번호').fill(PASSWORD);
  await page.getByRole('button', { name: '로그인' }).click();
  await expect(page.getByText('이메일 또는 비밀번호가 올바르지 않습니다.')).toBeVisible();
  await page.getByLabel('비밀번호').fill(fresh);
  await page.getByRole('button', { name: '로그인' }).click();
  await expect(page.getByRole('heading', { name: '이미지 생성' })).toBeVisible();

  await other.reload();
  await expect(other.getByRole('heading', { name: '로그인' })).toBeVisible();

  // The link is spent.
  await page.goto(linkPath(mail));
  await page.getByLabel('새 비밀번호').fill('yet another passphrase');
  await page.getByRole('button', { name: '비밀번호 바꾸기' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    '재설정 링크가 올바르지 않거나 이미 사용되었습니다.',
  );
  await expect(page.getByRole('link', { name: '재설정 링크 다시 받기' })).toBeVisible();
});
