import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportBlobKey, QueueNames, RpcPatterns } from '@pingvas/contracts';
import { RpcClient } from '@pingvas/messaging';
import { LocalDiskStorage } from '@pingvas/storage';
import {
  binaryBody,
  connectToSchema,
  eventually,
  type SchemaSql,
  TEST_REDIS_URL,
  uniqueName,
} from '@pingvas/testing';
import { Queue } from 'bullmq';
import request from 'supertest';
import { DEV_EXPORT_LINK_SECRET } from '../src/config';
import {
  bootUserService,
  newAccount,
  type Session,
  type UserServiceUnderTest,
} from '../../../test/support/user-service';

const WEB = 'https://pingvas.example';

describe('user-service: data exports and their signed links', () => {
  let svc: UserServiceUnderTest;
  let db: { sql: SchemaSql; end(): Promise<void> };
  let storageDir: string;
  let storage: LocalDiskStorage;
  const http = () => request(svc.url);
  const bearer = { type: 'bearer' } as const;
  const rpc = () => svc.app.get(RpcClient, { strict: false });

  async function signup(): Promise<Session> {
    return (await http().post('/api/v1/auth/signup').send(newAccount()).expect(201))
      .body as Session;
  }

  async function requestExport(session: Session): Promise<string> {
    const res = await http()
      .post('/api/v1/users/me/export')
      .auth(session.accessToken, bearer)
      .expect(202);
    expect(res.body).toEqual({ exportId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    return res.body.exportId as string;
  }

  /** What the system worker does: store the zip, then ask for the link it mails. */
  async function buildExport(session: Session) {
    const exportId = await requestExport(session);
    const zip = randomBytes(70_000);
    await storage.put(exportBlobKey(session.user.id, exportId), zip);
    const link = await rpc().send(RpcPatterns.user.exportsLink, {
      userId: session.user.id,
      exportId,
    });
    return { exportId, zip, link, path: link.url.slice(WEB.length) };
  }

  const download = (path: string) => http().get(path).buffer(true).parse(binaryBody);

  async function expectGone(path: string) {
    const res = await http().get(path).expect(404);
    expect(res.body.code).toBe('EXPORT_NOT_FOUND');
  }

  beforeAll(async () => {
    storageDir = await mkdtemp(join(tmpdir(), 'pingvas-exports-'));
    storage = new LocalDiskStorage(storageDir);
    svc = await bootUserService(uniqueName('t'), {
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      STORAGE_DIR: storageDir,
      PUBLIC_WEB_URL: WEB,
    });
    db = await connectToSchema(svc.schema.schema);
  });

  afterAll(async () => {
    await db?.end();
    await svc?.stop();
    await rm(storageDir, { recursive: true, force: true });
  });

  it('queues one export.build job and refuses a second export while it is pending', async () => {
    const session = await signup();
    const exportId = await requestExport(session);
    const queue = new Queue(QueueNames.systemExport, {
      prefix: svc.namespace,
      connection: { url: TEST_REDIS_URL } as never,
    });
    queue.on('error', () => undefined);
    try {
      const job = await eventually(
        async () => (await queue.getJob(`export-${exportId}`)) ?? undefined,
        10_000,
        'the export.build job',
      );
      expect(job.name).toBe('export.build');
      expect(job.data).toMatchObject({ exportId, userId: session.user.id });
    } finally {
      await queue.close();
    }
    const again = await http()
      .post('/api/v1/users/me/export')
      .auth(session.accessToken, bearer)
      .expect(429);
    expect(again.body.code).toBe('EXPORT_IN_PROGRESS');

    // A pending export older than an hour is taken as stuck: a new one may start.
    await db.sql(
      `UPDATE "exports" SET "created_at" = now() - interval '61 minutes' WHERE "id" = $1`,
      [exportId],
    );
    await requestExport(session);
  });

  it('signs a link that streams exactly the stored zip, without signing in', async () => {
    const session = await signup();
    const { exportId, zip, link, path } = await buildExport(session);
    expect(link.url).toMatch(
      new RegExp(`^${WEB}/api/v1/exports/${exportId}\\?expires=\\d+&sig=[0-9a-f]{64}$`),
    );
    const expiresAt = Date.parse(link.expiresAt);
    expect(expiresAt).toBeGreaterThan(Date.now() + 23.9 * 3_600_000);
    expect(expiresAt).toBeLessThan(Date.now() + 24.1 * 3_600_000);
    expect(Number(new URL(link.url).searchParams.get('expires'))).toBe(expiresAt / 1000);

    const res = await download(path).expect(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="pingvas-export-\d{4}-\d{2}-\d{2}\.zip"$/,
    );
    expect(res.headers['content-length']).toBe(String(zip.length));
    expect(Buffer.compare(res.body as Buffer, zip)).toBe(0);

    // Ready, so a new export may be asked for.
    await requestExport(session);
  });

  it('answers 404 EXPORT_NOT_FOUND for a wrong, incomplete or foreign signature', async () => {
    const session = await signup();
    const mine = await buildExport(session);
    const theirs = await buildExport(await signup());
    const url = new URL(mine.link.url);
    const expires = url.searchParams.get('expires')!;
    const sig = url.searchParams.get('sig')!;
    const base = `/api/v1/exports/${mine.exportId}`;
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`;
    const theirSig = new URL(theirs.link.url).searchParams.get('sig')!;
    for (const path of [
      `${base}?expires=${expires}&sig=${flipped}`,
      `${base}?expires=${Number(expires) + 1}&sig=${sig}`,
      `${base}?expires=${expires}&sig=${theirSig}`,
      `${base}?expires=${expires}&sig=${sig.toUpperCase()}`,
      `${base}?expires=${expires}&sig=${sig.slice(0, 32)}`,
      `${base}?expires=${expires}`,
      `${base}?sig=${sig}`,
      base,
      `${base}?expires=${expires}&sig=${sig}&sig=${sig}`,
      `${base}?expires=abc&sig=${sig}`,
      `/api/v1/exports/${theirs.exportId}?expires=${expires}&sig=${sig}`,
      `/api/v1/exports/${randomUUID()}?expires=${expires}&sig=${sig}`,
      `/api/v1/exports/not-a-uuid?expires=${expires}&sig=${sig}`,
    ]) {
      await expectGone(path);
    }
    // The right link still works.
    await download(mine.path).expect(200);
  });

  it('answers 404 once the link or the export has expired, or the zip is gone', async () => {
    const session = await signup();
    const { exportId, path } = await buildExport(session);
    // A correctly signed link whose own expiry has passed.
    const past = Math.floor(Date.now() / 1000) - 1;
    const sig = createHmac('sha256', DEV_EXPORT_LINK_SECRET)
      .update(`export\n${exportId}\n${session.user.id}\n${past}`)
      .digest('hex');
    await expectGone(`/api/v1/exports/${exportId}?expires=${past}&sig=${sig}`);
    // A link whose signature holds but whose export ran out (the row says so).
    await db.sql(
      `UPDATE "exports" SET "expires_at" = now() - interval '1 second' WHERE "id" = $1`,
      [exportId],
    );
    await expectGone(path);

    const other = await buildExport(session);
    await storage.delete(exportBlobKey(session.user.id, other.exportId));
    await expectGone(other.path);
  });

  it('refuses a link for a pending export and for another user over RPC', async () => {
    const session = await signup();
    const exportId = await requestExport(session);
    const stranger = await signup();
    await expect(
      rpc().send(RpcPatterns.user.exportsLink, { userId: stranger.user.id, exportId }),
    ).rejects.toMatchObject({ code: 'EXPORT_NOT_FOUND' });
    await expect(
      rpc().send(RpcPatterns.user.exportsLink, { userId: 'nope', exportId } as never),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const rows = await db.sql<{ status: string }>(
      `SELECT "status" FROM "exports" WHERE "id" = $1`,
      [exportId],
    );
    expect(rows).toEqual([{ status: 'pending' }]);
  });

  it('refuses an anonymous export request with 401', async () => {
    await http().post('/api/v1/users/me/export').expect(401);
  });
});
