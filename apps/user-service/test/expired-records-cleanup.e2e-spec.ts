import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportBlobKey, QueueNames, RpcPatterns, ScheduledJobNames } from '@pingvas/contracts';
import { RpcClient } from '@pingvas/messaging';
import { LocalDiskStorage } from '@pingvas/storage';
import {
  connectToSchema,
  eventually,
  type SchemaSql,
  TEST_REDIS_URL,
  uniqueName,
} from '@pingvas/testing';
import { Queue } from 'bullmq';
import request from 'supertest';
import { hashToken, newOpaqueToken } from '../src/auth/opaque-token';
import {
  EMAIL_TOKEN_KEEP_MS,
  EXPORT_KEEP_MS,
  ExpiredRecordsCleanup,
  REFRESH_TOKEN_KEEP_MS,
} from '../src/expired-records-cleanup';
import {
  bootUserService,
  newAccount,
  type Session,
  type UserServiceUnderTest,
} from '../../../test/support/user-service';

const WEB = 'https://pingvas.example';
const HOUR_MS = 3_600_000;
// The scheduler's first run is at boot; the next is this far off, so each test runs its own pass.
const INTERVAL_MS = 86_400_000;

/**
 * The user-maintenance job on the real PostgreSQL and Redis: refresh tokens, mailed tokens and
 * export rows go once past their margin, and nothing else; reuse detection, mailed links and
 * export links answer as before.
 */
describe('user-service: expired records cleanup', () => {
  let svc: UserServiceUnderTest;
  let db: { sql: SchemaSql; end(): Promise<void> };
  let queue: Queue;
  let storageDir: string;
  const http = () => request(svc.url);
  const cleanup = () => svc.app.get(ExpiredRecordsCleanup);
  /** `ms` milliseconds ago (or ahead, when negative), as the database sees times. */
  const ago = (ms: number) => new Date(Date.now() - ms);

  const signup = async (): Promise<Session> =>
    (await http().post('/api/v1/auth/signup').send(newAccount()).expect(201)).body as Session;

  const refresh = (refreshToken: string) =>
    http().post('/api/v1/auth/refresh').send({ refreshToken });

  const expireRefreshToken = (token: string, at: Date) =>
    db.sql(`UPDATE "refresh_tokens" SET "expires_at" = $2 WHERE "token_hash" = $1`, [
      hashToken(token),
      at,
    ]);

  const refreshTokensLeft = async (tokens: string[]) =>
    (
      await db.sql<{ token_hash: Buffer }>(
        `SELECT "token_hash" FROM "refresh_tokens" WHERE "token_hash" = ANY($1)`,
        [tokens.map(hashToken)],
      )
    ).map((r) => tokens.find((t) => hashToken(t).equals(r.token_hash)));

  beforeAll(async () => {
    storageDir = await mkdtemp(join(tmpdir(), 'pingvas-cleanup-'));
    svc = await bootUserService(uniqueName('t'), {
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      STORAGE_DIR: storageDir,
      PUBLIC_WEB_URL: WEB,
      USER_MAINTENANCE_INTERVAL_MS: String(INTERVAL_MS),
    });
    db = await connectToSchema(svc.schema.schema);
    queue = new Queue(QueueNames.userMaintenance, {
      prefix: svc.namespace,
      connection: { url: TEST_REDIS_URL } as never,
    });
    queue.on('error', () => undefined);
    // The run at boot, through the queue and its worker: done before any test arranges rows.
    await eventually(
      async () => ((await queue.getJobCounts('completed')).completed >= 1 ? true : undefined),
      15_000,
      'the first accounts.prune run',
    );
  });

  afterAll(async () => {
    await queue?.close();
    await db?.end();
    await svc?.stop();
    await rm(storageDir, { recursive: true, force: true });
  });

  it('schedules accounts.prune on user-maintenance every USER_MAINTENANCE_INTERVAL_MS', async () => {
    const scheduler = await queue.getJobScheduler(ScheduledJobNames.pruneAccountRecords);
    expect(scheduler).toMatchObject({ every: INTERVAL_MS });
  });

  it('deletes refresh tokens expired more than a day ago, and keeps newer and live ones', async () => {
    const first = await signup();
    const second = (await refresh(first.refreshToken).expect(200)).body as Session;
    const third = (await refresh(second.refreshToken).expect(200)).body as Session;
    await expireRefreshToken(first.refreshToken, ago(REFRESH_TOKEN_KEEP_MS + 60_000));
    await expireRefreshToken(second.refreshToken, ago(HOUR_MS));

    const pruned = await cleanup().prune();

    expect(pruned.refreshTokens).toBe(1);
    const tokens = [first, second, third].map((s) => s.refreshToken);
    expect((await refreshTokensLeft(tokens)).sort()).toEqual(tokens.slice(1).sort());
    // The deleted one was long refused; its sign-in goes on.
    expect((await refresh(first.refreshToken).expect(401)).body.code).toBe('INVALID_REFRESH_TOKEN');
    await refresh(third.refreshToken).expect(200);
  });

  it('still detects the replay of a rotated token that has not expired, after a pass', async () => {
    const stolen = await signup();
    const next = (await refresh(stolen.refreshToken).expect(200)).body as Session;
    // The owner moved on, so a replay of the stolen token is no lost answer being retried.
    const newest = (await refresh(next.refreshToken).expect(200)).body as Session;

    await cleanup().prune();

    expect((await refresh(stolen.refreshToken).expect(401)).body.code).toBe('REFRESH_REUSED');
    expect((await refresh(newest.refreshToken).expect(401)).body.code).toBe(
      'INVALID_REFRESH_TOKEN',
    );
  });

  it('deletes mailed tokens used or expired more than a week ago, and keeps the rest', async () => {
    const session = await signup();
    const userId = session.user.id;
    const week = EMAIL_TOKEN_KEEP_MS;
    const rows = {
      expiredLongAgo: { expiresAt: ago(week + 60_000), usedAt: null },
      expiredRecently: { expiresAt: ago(HOUR_MS), usedAt: null },
      usedLongAgo: { expiresAt: ago(week - HOUR_MS), usedAt: ago(week + HOUR_MS) },
      usedRecently: { expiresAt: ago(5 * 86_400_000), usedAt: ago(6 * 86_400_000) },
    };
    const tokens: Record<string, string> = {};
    for (const [name, row] of Object.entries(rows)) {
      tokens[name] = newOpaqueToken();
      await db.sql(
        `INSERT INTO "email_tokens" ("id", "user_id", "purpose", "token_hash", "expires_at", "used_at")
         VALUES ($1, $2, 'verify-email', $3, $4, $5)`,
        [randomUUID(), userId, hashToken(tokens[name]), row.expiresAt, row.usedAt],
      );
    }
    const [signupToken] = await db.sql<{ id: string }>(
      `SELECT "id" FROM "email_tokens" WHERE "user_id" = $1 AND "expires_at" > now()`,
      [userId],
    );
    expect(signupToken).toBeDefined();

    const pruned = await cleanup().prune();

    expect(pruned.emailTokens).toBe(2);
    const left = await db.sql<{ token_hash: Buffer }>(
      `SELECT "token_hash" FROM "email_tokens" WHERE "user_id" = $1`,
      [userId],
    );
    const names = Object.keys(tokens).filter((n) =>
      left.some((r) => r.token_hash.equals(hashToken(tokens[n]))),
    );
    expect(names.sort()).toEqual(['expiredRecently', 'usedRecently']);
    expect(left).toHaveLength(3); // and the sign-up's live verification token
    // A link whose row is gone is refused as unknown, one still kept as expired: both 400.
    const verify = (token: string) =>
      http().post('/api/v1/auth/email/verify').send({ token }).expect(400);
    expect((await verify(tokens.expiredLongAgo)).body.code).toBe('TOKEN_INVALID');
    expect((await verify(tokens.expiredRecently)).body.code).toBe('TOKEN_EXPIRED');
  });

  it('deletes exports whose link expired more than a day ago; a link answers 404 before and after', async () => {
    const storage = new LocalDiskStorage(storageDir);
    const session = await signup();
    const userId = session.user.id;
    const build = async () => {
      const res = await http()
        .post('/api/v1/users/me/export')
        .auth(session.accessToken, { type: 'bearer' })
        .expect(202);
      const exportId = res.body.exportId as string;
      await storage.put(exportBlobKey(userId, exportId), randomBytes(1000));
      const link = await svc.app
        .get(RpcClient, { strict: false })
        .send(RpcPatterns.user.exportsLink, { userId, exportId });
      return { exportId, path: link.url.slice(WEB.length) };
    };
    const old = await build();
    const recent = await build();
    const live = await build();
    const expire = (id: string, at: Date) =>
      db.sql(`UPDATE "exports" SET "expires_at" = $2 WHERE "id" = $1`, [id, at]);
    await expire(old.exportId, ago(EXPORT_KEEP_MS + 60_000));
    await expire(recent.exportId, ago(HOUR_MS));
    // Pending for a month: its build never finished, so it has no link to expire.
    const [pending] = await db.sql<{ id: string }>(
      `INSERT INTO "exports" ("id", "user_id", "created_at")
       VALUES ($1, $2, now() - interval '30 days') RETURNING "id"`,
      [randomUUID(), userId],
    );
    const gone = async (path: string) =>
      expect((await http().get(path).expect(404)).body.code).toBe('EXPORT_NOT_FOUND');
    await gone(old.path);

    const pruned = await cleanup().prune();

    expect(pruned.exports).toBe(1);
    const left = await db.sql<{ id: string }>(`SELECT "id" FROM "exports" WHERE "user_id" = $1`, [
      userId,
    ]);
    expect(left.map((r) => r.id).sort()).toEqual(
      [recent.exportId, live.exportId, pending.id].sort(),
    );
    await gone(old.path);
    await gone(recent.path);
    await http().get(live.path).expect(200);
  });

  it('finds what a pass deletes through an index on every table', async () => {
    const predicates = {
      refresh_tokens: `"expires_at" < now()`,
      email_tokens: `LEAST("expires_at", "used_at") < now()`,
      exports: `"expires_at" < now()`,
    };
    await db.sql(`SET enable_seqscan = off`);
    try {
      for (const [table, where] of Object.entries(predicates)) {
        const plan = await db.sql<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT "id" FROM "${table}" WHERE ${where} LIMIT 1000`,
        );
        expect(plan.map((r) => r['QUERY PLAN']).join('\n')).not.toContain('Seq Scan');
      }
    } finally {
      await db.sql(`RESET enable_seqscan`);
    }
  });
});
