import { expect, test } from '@playwright/test';
import { closeMail, pausedQueue, verifyEmail } from './mail';
import { generate, newEmail, PASSWORD, recordApiCalls, signUp } from './support';

/** What the preview test's init script puts on the page's window. */
declare global {
  interface Window {
    /** Lets the live stream's held-back final event through. */
    releaseFinal?: () => void;
    /** Set once the page has opened a generation's live stream. */
    streamOpen?: boolean;
  }
}

test.afterAll(closeMail);

test('bad input shows the field its message and sends nothing: an empty prompt, a size past the plan', async ({
  page,
}) => {
  await signUp(page, newEmail('input'));
  const calls = recordApiCalls(page);
  const prompt = page.getByLabel('프롬프트', { exact: true });
  await page.getByRole('button', { name: '생성하기' }).click();
  await expect(prompt).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('프롬프트를 입력하세요.')).toBeVisible();

  await prompt.fill('바닷가의 등대');
  await page.getByText('직접 입력').click();
  await page.getByLabel('너비').fill('1024');
  await page.getByRole('button', { name: '생성하기' }).click();
  await expect(page.getByLabel('너비')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Free 플랜은 최대 512px입니다.')).toBeVisible();
  expect(calls.filter((c) => c.method === 'POST' && c.path === '/api/v1/generations')).toEqual([]);
});

test('a free user sees the sizes past the plan locked, each naming the plan that opens it', async ({
  page,
}) => {
  await signUp(page, newEmail('locked'));
  const sizes = page.getByRole('group', { name: '크기' });
  await expect(sizes.getByRole('radio', { name: '768×768' })).toBeDisabled();
  await expect(sizes.getByRole('radio', { name: '768×768' })).toHaveAccessibleDescription(
    'Starter 플랜부터',
  );
  await expect(sizes.getByRole('radio', { name: '2048×2048' })).toHaveAccessibleDescription(
    'Enterprise 플랜부터',
  );
  await expect(sizes.getByRole('radio', { name: '512×512' })).toBeEnabled();
});

test('the live preview shows under the progress bar, and 402 links to buying credits when credits run out', async ({
  page,
}) => {
  await page.addInitScript(() => {
    // The live stream, with its final event held back until the test lets it through: a tiny
    // model's run can end within one render, and the screen then goes straight to the result.
    // Every event before it reaches the page as the server sent it.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    window.releaseFinal = () => release();
    const nativeFetch = window.fetch.bind(window);
    window.fetch = async (input, init) => {
      const res = await nativeFetch(input, init);
      const url = new URL(input instanceof Request ? input.url : String(input), location.href);
      if (!/\/generations\/[^/]+\/events$/.test(url.pathname) || !res.body) return res;
      window.streamOpen = true;
      const decoder = new TextDecoder();
      const encoder = new TextEncoder();
      const body = res.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          async transform(chunk, controller) {
            const text = decoder.decode(chunk, { stream: true });
            const final = text.search(/id: \d+\nevent: (succeeded|failed|canceled)\n/);
            if (final < 0) return controller.enqueue(encoder.encode(text));
            controller.enqueue(encoder.encode(text.slice(0, final)));
            await released;
            controller.enqueue(encoder.encode(text.slice(final)));
          },
        }),
      );
      return new Response(body, { status: res.status, headers: res.headers });
    };
  });
  await signUp(page, newEmail('preview'));
  const run = async () => {
    await page.getByLabel('프롬프트', { exact: true }).fill('노을 지는 항구');
    await page.getByRole('radio', { name: '512×512' }).check({ force: true });
    await page.getByLabel('스텝', { exact: true }).fill('50');
    await expect(page.getByText('비용 51 크레딧')).toBeVisible();
    await page.getByRole('button', { name: '생성하기' }).click();
  };
  // Alone, the tiny model can end a run before the browser has opened the live stream: the
  // free queue waits (paused) until it is open.
  const free = await pausedQueue('gen-free');
  try {
    await run();
    await page.waitForFunction(() => window.streamOpen);
  } finally {
    await free.resume();
    await free.close();
  }
  const live = page.getByRole('region', { name: '진행 상황' });
  await expect(live.getByRole('img', { name: '만들어지고 있는 이미지 미리보기' })).toHaveAttribute(
    'src',
    /^data:image\/(png|webp);base64,/,
    { timeout: 90_000 },
  );
  await page.evaluate(() => window.releaseFinal!());
  await expect(live.getByRole('status').first()).toHaveText('완료', { timeout: 30_000 });
  await expect(live.getByRole('img', { name: '만들어지고 있는 이미지 미리보기' })).toHaveCount(0);

  // 49 credits are left; another 51-credit run is refused with a way to buy more.
  await run();
  const alert = page.getByRole('alert').filter({ hasText: '크레딧이 부족합니다.' });
  await expect(alert).toBeVisible();
  await alert.getByRole('link', { name: '크레딧 구매하기' }).click();
  await expect(page.getByRole('heading', { name: '크레딧과 플랜' })).toBeVisible();
});

test("another user opening the first user's image address sees not found", async ({ browser }) => {
  const first = await browser.newPage();
  await signUp(first, newEmail('owner'));
  await generate(first, '비밀 정원');
  await first.getByRole('img', { name: '생성된 이미지: 비밀 정원' }).click();
  await expect(first.getByRole('heading', { name: '이미지 정보' })).toBeVisible();
  const address = new URL(first.url()).pathname;
  const fileUrl = await first.getByRole('img', { name: '비밀 정원' }).getAttribute('src');

  const second = await browser.newPage();
  await signUp(second, newEmail('other'));
  await second.goto(address);
  await expect(second.getByRole('heading', { name: '찾을 수 없습니다' })).toBeVisible();
  await expect(second.getByText('이미지를 찾을 수 없습니다.', { exact: false })).toBeVisible();
  // The file without its signature is not served to anyone but its owner.
  const unsigned = await second.request.get(fileUrl!.split('?')[0]);
  expect([401, 404]).toContain(unsigned.status());
});

test('an API key is shown once with a copy button, listed, and revoked', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const email = newEmail('keys');
  await signUp(page, email);
  await verifyEmail(page, email); // API keys need a verified address
  await page.goto('/generate');
  await page.getByRole('link', { name: 'API 키' }).click();
  await page.getByRole('button', { name: 'API 키 만들기' }).click();
  await expect(page.getByText('키 이름을 입력하세요.')).toBeVisible();
  await page.getByLabel('키 이름').fill('렌더 스크립트');
  await page.getByRole('button', { name: 'API 키 만들기' }).click();
  const secret = await page.getByTestId('api-key-secret').innerText();
  expect(secret).toMatch(/^pv_/);
  await page.getByRole('button', { name: '복사' }).click();
  await expect(page.getByRole('button', { name: '복사했습니다' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  // The key works for a script, as the README says.
  const models = await page.request.get('/api/v1/models', {
    headers: { Authorization: `Bearer ${secret}` },
  });
  expect(models.status()).toBe(200);

  const row = page.getByRole('row', { name: /렌더 스크립트/ });
  await expect(row).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('api-key-secret')).toHaveCount(0);
  await page.getByRole('button', { name: '렌더 스크립트 폐기' }).click();
  await page
    .getByRole('dialog', { name: 'API 키 폐기' })
    .getByRole('button', { name: '폐기' })
    .click();
  await expect(page.getByText('아직 API 키가 없습니다.')).toBeVisible();
});

test('a user sees no admin menu, and the admin address is not found for them', async ({ page }) => {
  await signUp(page, newEmail('plain'));
  await expect(
    page.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '관리자' }),
  ).toHaveCount(0);
  await page.goto('/admin');
  await expect(page.getByRole('heading', { name: '찾을 수 없습니다' })).toBeVisible();
});

test('a reused refresh token signs the browser out', async ({ page, context }) => {
  await signUp(page, newEmail('reuse'));
  const before = (await context.cookies()).find((c) => c.name === 'pingvas_refresh');
  expect(before).toMatchObject({
    httpOnly: true,
    secure: true,
    sameSite: 'Strict',
    path: '/api/v1/auth',
  });
  await page.reload(); // the reload refreshes: the cookie rotates
  await expect(page.getByRole('heading', { name: '이미지 생성' })).toBeVisible();
  const after = (await context.cookies()).find((c) => c.name === 'pingvas_refresh');
  expect(after?.value).not.toBe(before!.value);
  // The access token never reaches storage a script could read later.
  expect(
    await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage })),
  ).not.toMatch(/eyJ/);

  // A second reload spends that one too, so the first is stale beyond any lost answer.
  await page.reload();
  await expect(page.getByRole('heading', { name: '이미지 생성' })).toBeVisible();
  expect((await context.cookies()).find((c) => c.name === 'pingvas_refresh')?.value).not.toBe(
    after!.value,
  );

  await context.addCookies([before!]); // someone replays the old, used token
  await page.reload();
  await expect(page.getByRole('heading', { name: '로그인' })).toBeVisible();
  await expect(page.getByText('보안을 위해 로그아웃했습니다', { exact: false })).toBeVisible();
  await page.getByLabel('이메일').fill('nobody@example.com');
  await page.getByLabel('비밀번호').fill(PASSWORD);
  await page.getByRole('button', { name: '로그인' }).click();
  await expect(page.getByText('이메일 또는 비밀번호가 올바르지 않습니다.')).toBeVisible();
});
