import { expect, test } from '@playwright/test';
import { deliverSubscription, LEMON_VARIANTS, STAND_IN_SUBSCRIPTIONS } from './lemon';
import { checkScreen, newEmail, signUp } from './support';

test('a subscriber sees the plan and its renewal, cancels at the period end, resumes, changes plan and opens the billing portal', async ({
  page,
}, info) => {
  await signUp(page, newEmail('subscriber'));
  await page.goto('/credits');
  const accountId = (await page.getByText(/^계정 ID:/).innerText()).match(/[0-9a-f-]{36}/)![0];
  await expect(page.getByRole('region', { name: '구독' })).toHaveCount(0);

  // Lemon Squeezy tells us of the subscription the checkout made (the stand-in holds it too).
  await deliverSubscription(page.request, {
    name: 'subscription_created',
    userId: accountId,
    subscriptionId: STAND_IN_SUBSCRIPTIONS.billing,
    variantId: LEMON_VARIANTS.starter,
    attributes: {
      status: 'active',
      cancelled: false,
      renews_at: new Date(Date.now() + 30 * 24 * 3600_000).toISOString(),
      ends_at: null,
    },
  });
  await page.reload();
  const panel = page.getByRole('region', { name: '구독' });
  await expect(panel.getByText('Starter', { exact: true })).toBeVisible();
  await expect(panel.getByText('구독 중 (자동 갱신)')).toBeVisible();
  await expect(panel.getByText('다음 결제일')).toBeVisible();
  // A subscriber changes plan instead of buying a second subscription.
  await expect(page.getByRole('button', { name: 'Pro 플랜 결제하기' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Pro 플랜으로 변경' })).toBeVisible();
  await checkScreen(page, 'credits-subscribed', info);

  await panel.getByRole('button', { name: '구독 해지' }).click();
  const cancel = page.getByRole('dialog', { name: '구독을 해지할까요?' });
  await expect(cancel).toContainText('그 뒤에는 무료 플랜으로 바뀝니다.');
  await cancel.getByRole('button', { name: '해지하기' }).click();
  await expect(cancel).toHaveCount(0);
  await expect(panel.getByText('해지 예정', { exact: true })).toBeVisible();
  await expect(panel.getByText('종료일')).toBeVisible();
  await expect(panel.getByRole('status')).toContainText('구독을 해지했습니다.');
  await checkScreen(page, 'credits-cancelled', info);
  await page.reload(); // what the API holds now, not only what the answer said
  await expect(panel.getByText('해지 예정', { exact: true })).toBeVisible();

  await panel.getByRole('button', { name: '구독 다시 이어 가기' }).click();
  await expect(panel.getByText('구독 중 (자동 갱신)')).toBeVisible();
  await expect(panel.getByRole('button', { name: '구독 해지' })).toBeVisible();

  await panel.getByLabel('바꿀 플랜').selectOption('pro');
  await panel.getByRole('button', { name: '플랜 변경' }).click();
  const change = page.getByRole('dialog', { name: '플랜을 바꿀까요?' });
  await expect(change).toContainText('Starter 플랜에서 Pro 플랜(월 US$24.00)으로 바꿉니다.');
  await change.getByRole('button', { name: 'Pro 플랜으로 바꾸기' }).click();
  await expect(change).toHaveCount(0);
  await expect(panel.getByText('Pro', { exact: true })).toBeVisible();
  await page.reload();
  await expect(panel.getByText('Pro', { exact: true })).toBeVisible();

  // The portal is Lemon Squeezy's own page: the stand-in's signed link, answered here.
  await page.route('https://pingvas.lemonsqueezy.com/**', (route) =>
    route.fulfill({ contentType: 'text/html', body: '<title>Lemon Squeezy</title>' }),
  );
  await panel.getByRole('button', { name: '결제 관리' }).click();
  await expect(page).toHaveURL(/^https:\/\/pingvas\.lemonsqueezy\.com\/billing\?/);
});
