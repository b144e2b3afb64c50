import { QueueNames, userCreatedJobId } from '@pingvas/contracts';
import { RpcClient } from '@pingvas/messaging';
import { eventually, TestSentinel, uniqueName } from '@pingvas/testing';
import request from 'supertest';
import { bootPaymentService, type PaymentServiceUnderTest } from '../support/payment-service';
import { bootUserService, signUp, type UserServiceUnderTest } from '../support/user-service';

/** How long the services may take to find the new primary (Sentinel itself needs about 2 s). */
const FAILOVER_WAIT_MS = 30_000;

/**
 * user-service and payment-service on a real Sentinel setup (a primary, its replica, one
 * Sentinel), one configured by a redis+sentinel:// REDIS_URL and the other by REDIS_SENTINELS +
 * REDIS_SENTINEL_NAME. The primary is killed (-9) under them: every kind of connection (RPC
 * both ways, the outbox's queue, a BullMQ worker, rate limits, readiness) must find the
 * replica Sentinel promotes, with no restart.
 */
describe('services on Redis Sentinel, through a failover of the primary', () => {
  let sentinel: TestSentinel;
  let users: UserServiceUnderTest;
  let payment: PaymentServiceUnderTest;
  // RPC namespace and BullMQ key prefix of both services.
  const namespace = uniqueName('t');
  // The primary the kill -9 test killed, revived and failed over to by the next test.
  let killed: number;

  beforeAll(async () => {
    sentinel = await TestSentinel.start('pingvas');
    payment = await bootPaymentService(namespace, { REDIS_URL: sentinel.url });
    users = await bootUserService(namespace, {
      // REDIS_URL gives only the DB (and credentials, TLS) once REDIS_SENTINELS is set.
      REDIS_URL: 'redis://unused/0',
      REDIS_SENTINELS: sentinel.sentinelAddress,
      REDIS_SENTINEL_NAME: sentinel.masterName,
      AUTH_RATE_LIMIT_PER_MINUTE: '1000',
    });
  });

  afterAll(async () => {
    await users?.stop();
    await payment?.stop();
    await sentinel?.stop();
  });

  const rpcOf = (service: { app: UserServiceUnderTest['app'] }) =>
    service.app.get(RpcClient, { strict: false });

  /** Both directions of RPC: user-service calls payment-service and back. */
  const rpcBothWays = async (userId: string) => {
    const plan = await rpcOf(users).send('payment.plans.forUser', { userId });
    await rpcOf(payment).send('user.system.ping', {});
    return plan;
  };

  /** Sign-up (rate limit, outbox → user-events) until payment-service's worker opens the account. */
  const signUpAndOpenAccount = async () => {
    const customer = await eventually(
      () => signUp(users.url).catch(() => undefined),
      FAILOVER_WAIT_MS,
      'a sign-up accepted',
    );
    await eventually(
      async () =>
        (
          await payment.sql('SELECT 1 FROM "credit_accounts" WHERE "user_id" = $1', [
            customer.userId,
          ])
        ).length > 0 || undefined,
      FAILOVER_WAIT_MS,
      'the credit account opened from user.created',
    );
    return customer;
  };

  /** When the primary the Sentinel names now marked the user's user.created job finished. */
  const jobFinishedOnPrimary = (userId: string) =>
    eventually(
      async () =>
        ((await sentinel.onPrimary(
          'HGET',
          `${namespace}:${QueueNames.userEvents}:${userCreatedJobId(userId)}`,
          'finishedOn',
        )) as string | null) ?? undefined,
      FAILOVER_WAIT_MS,
      'the job marked finished on the primary',
    );

  it('answers RPC and runs queue jobs through the Sentinel-named primary', async () => {
    const customer = await signUpAndOpenAccount();
    expect(await rpcBothWays(customer.userId)).toMatchObject({ tier: 'free' });
    expect(await jobFinishedOnPrimary(customer.userId)).toEqual(expect.any(String));
  });

  /**
   * After a failover: a sign-up's job runs and finishes on `primary`, RPC answers both ways and
   * both services are ready; resolves with when the job and RPC first worked.
   */
  async function workOnPrimary(primary: number): Promise<{ jobAt: number; rpcAt: number }> {
    const customer = await signUpAndOpenAccount();
    const jobAt = Date.now();
    await eventually(
      () => rpcBothWays(customer.userId).catch(() => undefined),
      FAILOVER_WAIT_MS,
      'RPC answering both ways',
    );
    const rpcAt = Date.now();
    expect(await sentinel.primaryPort()).toBe(primary);
    expect(await jobFinishedOnPrimary(customer.userId)).toEqual(expect.any(String));
    for (const service of [users, payment]) await request(service.url).get('/ready').expect(200);
    return { jobAt, rpcAt };
  }

  it('finds the promoted replica after kill -9 of the primary: RPC answers and a new job runs on it', async () => {
    const before = await sentinel.primaryPort();
    const killedAt = Date.now();
    const promoted = await sentinel.killPrimary();
    const promotedAt = Date.now();
    expect(promoted).not.toBe(before);

    // The old primary is dead: the job was written to, and finished on, the promoted replica.
    const { jobAt, rpcAt } = await workOnPrimary(promoted);

    console.log(
      `Sentinel failover (kill -9): promoted ${promoted} ${promotedAt - killedAt} ms after the kill; ` +
        `a sign-up's account opened after ${jobAt - killedAt} ms, RPC both ways after ${rpcAt - killedAt} ms`,
    );
    killed = before;
  });

  it('follows a SENTINEL FAILOVER back to the revived server, whose clients it drops', async () => {
    const revivingAt = Date.now();
    await sentinel.revive(killed);
    const startedAt = Date.now();
    expect(await sentinel.failover()).toBe(killed);
    const promotedAt = Date.now();

    const { jobAt, rpcAt } = await workOnPrimary(killed);

    console.log(
      `Sentinel failover (SENTINEL FAILOVER, ${startedAt - revivingAt} ms to revive ${killed} as a replica): ` +
        `promoted after ${promotedAt - startedAt} ms; ` +
        `a sign-up's account opened after ${jobAt - startedAt} ms, RPC both ways after ${rpcAt - startedAt} ms`,
    );
  });
});
