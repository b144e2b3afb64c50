import { expect, test } from '@playwright/test';
import { asAdmin, newEmail, PASSWORD } from './support';

test('an admin sees the admin menu, the queues per tier, the models, and grants credits to a user', async ({
  page,
  browser,
}) => {
  const customer = await (await browser.newContext()).newPage();
  await customer.goto('/signup');
  await customer.getByLabel('이메일').fill(newEmail('granted'));
  await customer.getByLabel('비밀번호').fill(PASSWORD);
  await customer.getByRole('button', { name: '회원가입' }).click();
  await customer.getByRole('link', { name: /^잔액/ }).click();
  await expect(customer.getByTestId('balance')).toHaveText('100 크레딧');
  const accountId = (await customer.getByText(/^계정 ID:/).innerText()).match(/[0-9a-f-]{36}/)![0];

  await asAdmin(page);
  await page
    .getByRole('navigation', { name: '주 메뉴' })
    .getByRole('link', { name: '관리자' })
    .click();
  await expect(page.getByRole('heading', { name: '관리자', exact: true })).toBeVisible();
  const queues = page.getByRole('region', { name: '등급별 대기열' });
  await expect(queues.getByRole('row')).toHaveCount(6);
  await expect(page.getByRole('row', { name: /tiny-sd 기본/ })).toBeVisible();

  // A model path outside MODELS_DIR is refused next to the path field.
  await page.getByLabel('이름', { exact: true }).fill('escape');
  await page.getByLabel('경로 (MODELS_DIR 안의 폴더)').fill('../../etc');
  await page.getByRole('button', { name: '등록하고 검증하기' }).click();
  await expect(page.getByText('모델 경로가 올바르지 않습니다.')).toBeVisible();

  const grant = page.getByRole('region', { name: '크레딧 지급' });
  await grant.getByRole('button', { name: '지급하기' }).click();
  await expect(grant.getByText('계정 ID(UUID)를 입력하세요.')).toBeVisible();
  await grant.getByLabel('사용자 ID').fill(accountId);
  await grant.getByLabel('크레딧').fill('250');
  await grant.getByLabel('사유').fill('행사 보상');
  await grant.getByRole('button', { name: '지급하기' }).click();
  await expect(grant.getByRole('status')).toHaveText(
    '지급했습니다. 이 사용자의 잔액은 350 크레딧입니다.',
  );

  await customer.reload();
  await expect(customer.getByTestId('balance')).toHaveText('350 크레딧');
  await expect(customer.getByRole('cell', { name: '관리자 지급' })).toBeVisible();
});
