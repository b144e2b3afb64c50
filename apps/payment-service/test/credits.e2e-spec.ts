import { randomUUID } from 'node:crypto';
import { AppError } from '@pingvas/common';
import { QueueNames, userCreatedJobId } from '@pingvas/contracts';
import { redisOptionsFromUrl, RpcClient } from '@pingvas/messaging';
import { eventually, TEST_REDIS_URL, uniqueName } from '@pingvas/testing';
import { Queue } from 'bullmq';
import request from 'supertest';
import { CreditLedger } from '../src/credits/credit-ledger';
import {
  bootPaymentService,
  ledgerMismatches,
  type PaymentServiceUnderTest,
} from '../../../test/support/payment-service';
import {
  bootUserService,
  newAccount,
  type Session,
  type UserServiceUnderTest,
} from '../../../test/support/user-service';

describe('payment-service: credits', () => {
  const namespace = uniqueName('t');
  const bearer = { type: 'bearer' } as const;
  let users: UserServiceUnderTest;
  let payment: PaymentServiceUnderTest;
  let rpc: RpcClient;
  let ledger: CreditLedger;

  const reserve = (userId: string, amount: number, reservationId = randomUUID()) =>
    rpc.send('payment.credits.reserve', {
      reservationId,
      userId,
      amount,
      reason: 'test generation',
    });
  const balanceOf = async (userId: string) =>
    (
      await payment.sql<{ available: number; reserved: number }>(
        `SELECT "available", "reserved" FROM "credit_accounts" WHERE "user_id" = $1`,
        [userId],
      )
    )[0];
  const fund = (userId: string, amount: number) =>
    ledger.grant(userId, amount, 'admin_grant', { key: `fund-${randomUUID()}` });
  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (err: AppError) => err.code,
    );

  beforeAll(async () => {
    users = await bootUserService(namespace, {
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      ADMIN_EMAILS: 'cfo@example.com',
    });
    payment = await bootPaymentService(namespace, {
      JWKS_URL: `${users.url}/.well-known/jwks.json`,
      RESERVATION_SWEEP_INTERVAL_MS: '1000',
    });
    rpc = payment.app.get(RpcClient);
    ledger = payment.app.get(CreditLedger);
  });

  afterAll(async () => {
    await payment?.stop();
    await users?.stop();
  });

  afterEach(async () => {
    expect(await ledgerMismatches(payment)).toEqual([]);
  });

  it('opens the account with the free plan credits when user.created arrives, once', async () => {
    const session = (
      await request(users.url).post('/api/v1/auth/signup').send(newAccount()).expect(201)
    ).body as Session;
    const account = await eventually(
      async () => balanceOf(session.user.id),
      10_000,
      'credit account opened',
    );
    expect(account).toEqual({ available: 100, reserved: 0 });

    const queue = new Queue(QueueNames.userEvents, {
      connection: redisOptionsFromUrl(TEST_REDIS_URL),
      prefix: namespace,
    });
    try {
      const again = await queue.add(
        'user.created',
        { userId: session.user.id },
        { jobId: `${userCreatedJobId(session.user.id)}-again` },
      );
      await eventually(
        async () => ((await again.isCompleted()) ? true : undefined),
        10_000,
        'redelivery processed',
      );
    } finally {
      await queue.close();
    }
    expect(await balanceOf(session.user.id)).toEqual({ available: 100, reserved: 0 });
  });

  it('lets exactly 142 of 200 concurrent reservations of 7 through a balance of 1000', async () => {
    const userId = randomUUID();
    await ledger.openAccount(userId);
    await fund(userId, 900);
    // A caller that times out asks again under the same reservation id, as generation-service
    // does; the first answer stands, so the count is exact however loaded the machine is.
    const reserveUntilAnswered = async (reservationId: ReturnType<typeof randomUUID>) => {
      let code = 'UPSTREAM_UNAVAILABLE';
      for (let attempt = 0; attempt < 10 && code === 'UPSTREAM_UNAVAILABLE'; attempt++)
        code = await codeOf(reserve(userId, 7, reservationId));
      return code;
    };
    const results = await Promise.all(
      Array.from({ length: 200 }, () => reserveUntilAnswered(randomUUID())),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(142);
    expect(results.filter((r) => r === 'INSUFFICIENT_CREDITS')).toHaveLength(58);
    expect(await balanceOf(userId)).toEqual({ available: 6, reserved: 994 });
  });

  it('holds a first reservation while user.created is opening the same account', async () => {
    const userId = randomUUID();
    let commit!: () => void;
    let opened!: () => void;
    const isOpen = new Promise<void>((resolve) => (opened = resolve));
    // user.created's transaction: the account row is written but not yet committed.
    const opening = ledger.transaction(async (tx) => {
      await ledger.openAccount(userId, tx);
      opened();
      await new Promise<void>((resolve) => (commit = resolve));
    });
    await isOpen;
    const reserving = reserve(userId, 5);
    await eventually(
      async () =>
        Number(
          (
            await payment.sql<{ waiting: string }>(
              `SELECT count(*) AS waiting FROM pg_stat_activity
               WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO "credit_accounts"%'`,
            )
          )[0].waiting,
        ) > 0 || undefined,
      10_000,
      'the reservation waits on the opening account',
    );
    commit();
    await opening;
    await expect(reserving).resolves.toMatchObject({ available: 95 });
    expect(await balanceOf(userId)).toEqual({ available: 95, reserved: 5 });
  });

  it('answers a repeated reservation id with the first answer and holds nothing more', async () => {
    const userId = randomUUID();
    const id = randomUUID();
    const first = await reserve(userId, 30, id);
    expect(first).toMatchObject({
      planId: 'free',
      tier: 'free',
      available: 70,
      limits: { queueWeight: 1, maxJobsInFlight: 1 },
    });
    expect(await reserve(userId, 30, id)).toEqual(first);
    expect(await balanceOf(userId)).toEqual({ available: 70, reserved: 30 });

    const refusedId = randomUUID();
    expect(await codeOf(reserve(userId, 500, refusedId))).toBe('INSUFFICIENT_CREDITS');
    await fund(userId, 1000);
    expect(await codeOf(reserve(userId, 500, refusedId))).toBe('INSUFFICIENT_CREDITS');
    expect(await codeOf(reserve(userId, 31, id))).toBe('CONFLICT');
  });

  it('captures or releases each reservation exactly once under storms of 5 concurrent calls', async () => {
    const userId = randomUUID();
    await fund(userId, 900);
    const ids = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const id = randomUUID();
        await reserve(userId, 10, id);
        return id;
      }),
    );
    const [toCapture, toRelease] = [ids.slice(0, 10), ids.slice(10)];
    const outcomes = await Promise.all([
      ...toCapture.flatMap((id) =>
        Array.from({ length: 5 }, () => rpc.send('payment.credits.capture', { reservationId: id })),
      ),
      ...toRelease.flatMap((id) =>
        Array.from({ length: 5 }, () => rpc.send('payment.credits.release', { reservationId: id })),
      ),
    ]);
    expect(outcomes.filter((o) => o.changed)).toHaveLength(20);
    expect(await balanceOf(userId)).toEqual({ available: 1000 - 100, reserved: 0 });
    expect(await codeOf(rpc.send('payment.credits.release', { reservationId: toCapture[0] }))).toBe(
      'ALREADY_SETTLED',
    );
    expect(await codeOf(rpc.send('payment.credits.capture', { reservationId: toRelease[0] }))).toBe(
      'ALREADY_SETTLED',
    );
    expect(await codeOf(rpc.send('payment.credits.capture', { reservationId: randomUUID() }))).toBe(
      'NOT_FOUND',
    );
  });

  it('releases reservations nobody settled once they expire (repeatable job)', async () => {
    const userId = randomUUID();
    const id = randomUUID();
    await reserve(userId, 40, id);
    await payment.sql(
      `UPDATE "credit_reservations" SET "expires_at" = now() - interval '1 second' WHERE "id" = $1`,
      [id],
    );
    await eventually(
      async () =>
        (
          await payment.sql<{ status: string }>(
            `SELECT "status" FROM "credit_reservations" WHERE "id" = $1`,
            [id],
          )
        )[0].status === 'expired'
          ? true
          : undefined,
      10_000,
      'reservation expired',
    );
    expect(await balanceOf(userId)).toEqual({ available: 100, reserved: 0 });
    expect(await codeOf(rpc.send('payment.credits.capture', { reservationId: id }))).toBe(
      'ALREADY_SETTLED',
    );
    expect((await rpc.send('payment.credits.release', { reservationId: id })).changed).toBe(false);
  });

  it('refuses malformed RPC payloads with VALIDATION_FAILED', async () => {
    expect(
      await codeOf(
        rpc.send('payment.credits.reserve', {
          reservationId: 'x',
          userId: randomUUID(),
          amount: 1,
          reason: 'r',
        }),
      ),
    ).toBe('VALIDATION_FAILED');
    expect(
      await codeOf(
        rpc.send('payment.credits.reserve', {
          reservationId: randomUUID(),
          userId: randomUUID(),
          amount: -5,
          reason: 'r',
        }),
      ),
    ).toBe('VALIDATION_FAILED');
  });

  it('tells other services the plan of a user (payment.plans.forUser)', async () => {
    const userId = randomUUID();
    expect(await rpc.send('payment.plans.forUser', { userId })).toEqual({
      planId: 'free',
      tier: 'free',
      limits: { queueWeight: 1, maxJobsInFlight: 1, maxSide: 512, maxImagesPerGeneration: 1 },
    });
  });

  describe('REST', () => {
    let alice: Session;
    let bob: Session;
    let admin: Session;

    beforeAll(async () => {
      [alice, bob, admin] = await Promise.all(
        [newAccount(), newAccount(), newAccount({ email: 'cfo@example.com' })].map(
          async (a) =>
            (await request(users.url).post('/api/v1/auth/signup').send(a).expect(201))
              .body as Session,
        ),
      );
    });

    it('lists the five plans publicly, by tier, with their queue weights', async () => {
      const res = await request(payment.url).get('/api/v1/plans').expect(200);
      expect(
        res.body.plans.map((p: { tier: string; limits: { queueWeight: number } }) => [
          p.tier,
          p.limits.queueWeight,
        ]),
      ).toEqual([
        ['free', 1],
        ['starter', 2],
        ['pro', 4],
        ['studio', 8],
        ['enterprise', 16],
      ]);
      expect(res.body.packs).toHaveLength(2);
    });

    it('shows only your own balance and ledger, newest first, page by page', async () => {
      for (let i = 0; i < 3; i++) await reserve(alice.user.id, 5);
      const balance = await request(payment.url)
        .get('/api/v1/credits/balance')
        .auth(alice.accessToken, bearer)
        .expect(200);
      expect(balance.body).toMatchObject({ available: 85, reserved: 15, plan: { planId: 'free' } });
      const bobs = await request(payment.url)
        .get('/api/v1/credits/balance')
        .auth(bob.accessToken, bearer)
        .expect(200);
      expect(bobs.body).toMatchObject({ available: 100, reserved: 0 });

      const page1 = await request(payment.url)
        .get('/api/v1/credits/ledger?limit=2')
        .auth(alice.accessToken, bearer)
        .expect(200);
      expect(page1.body.items.map((e: { kind: string }) => e.kind)).toEqual(['reserve', 'reserve']);
      const page2 = await request(payment.url)
        .get(`/api/v1/credits/ledger?limit=2&cursor=${page1.body.nextCursor}`)
        .auth(alice.accessToken, bearer)
        .expect(200);
      expect(page2.body.items.map((e: { kind: string }) => e.kind)).toEqual(['reserve', 'open']);
      expect(page2.body.nextCursor).toBeNull();
      const bobLedger = await request(payment.url)
        .get('/api/v1/credits/ledger')
        .auth(bob.accessToken, bearer)
        .expect(200);
      expect(
        bobLedger.body.items.every((e: { reference: string | null }) => e.reference === null),
      ).toBe(true);
    });

    it.each(['limit=0', 'limit=101', 'limit=abc', 'cursor=-1', 'cursor=1e5', 'extra=1'])(
      'refuses the ledger query %s with 400',
      async (q) => {
        const res = await request(payment.url)
          .get(`/api/v1/credits/ledger?${q}`)
          .auth(alice.accessToken, bearer)
          .expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      },
    );

    it('keeps admin routes for admins', async () => {
      await request(payment.url)
        .get(`/api/v1/credits/balance/${alice.user.id}`)
        .auth(bob.accessToken, bearer)
        .expect(403);
      await request(payment.url)
        .post('/api/v1/admin/credits/grants')
        .set('Idempotency-Key', 'grant-by-bob-1')
        .auth(bob.accessToken, bearer)
        .send({ userId: bob.user.id, amount: 1000, reason: 'self' })
        .expect(403);
      const seen = await request(payment.url)
        .get(`/api/v1/credits/balance/${bob.user.id}`)
        .auth(admin.accessToken, bearer)
        .expect(200);
      expect(seen.body.available).toBe(100);
    });

    it('grants once per Idempotency-Key and refuses the key with another body', async () => {
      const grant = (key: string | undefined, amount: number) => {
        const req = request(payment.url)
          .post('/api/v1/admin/credits/grants')
          .auth(admin.accessToken, bearer);
        if (key) req.set('Idempotency-Key', key);
        return req.send({ userId: bob.user.id, amount, reason: 'goodwill' });
      };
      const first = await grant('goodwill-0001', 250).expect(200);
      expect(first.body).toMatchObject({ available: 350, applied: true });
      const again = await grant('goodwill-0001', 250).expect(200);
      expect(again.body).toMatchObject({ available: 350, applied: false });
      expect((await grant('goodwill-0001', 999).expect(422)).body.code).toBe(
        'IDEMPOTENCY_MISMATCH',
      );
      expect((await grant(undefined, 10).expect(400)).body.code).toBe('VALIDATION_FAILED');
      await grant('goodwill-0002', 0).expect(400);
    });
  });
});
