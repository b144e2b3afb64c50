import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  exportBlobKey,
  erasureQueue,
  type ExportJob,
  QueueNames,
  SystemJobNames,
  UserDeletedJobName,
} from '@pingvas/contracts';
import { binaryBody, eventually, TestSmtpServer } from '@pingvas/testing';
import { Client } from 'pg';
import { messageKey } from '../src/mail/sent-emails.repository';
import request from 'supertest';
import { type Entry, fromBuffer, type ZipFile } from 'yauzl';
import { bootGenerationStack, type GenerationStack } from '../../../test/support/generation-stack';
import type { Customer } from '../../../test/support/user-service';
import { type RunningSystemWorker, startSystemWorker } from '../../../test/support/system-worker';

/** Every entry of a zip: name → bytes. */
async function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  const file = await new Promise<ZipFile>((resolve, reject) =>
    fromBuffer(zip, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))),
  );
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    file.on('error', reject);
    file.on('end', () => resolve());
    file.on('entry', (entry: Entry) => {
      file.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', reject);
        stream.on('end', () => {
          out.set(entry.fileName, Buffer.concat(chunks));
          file.readEntry();
        });
      });
    });
    file.readEntry();
  });
  return out;
}

const json = (entries: Map<string, Buffer>, name: string): unknown => {
  const bytes = entries.get(name);
  if (!bytes) throw new Error(`${name} is not in the zip (${[...entries.keys()].join(', ')})`);
  return JSON.parse(bytes.toString('utf8'));
};

/**
 * A data export end to end with real processes: user-, payment-, generation-, model- and
 * gallery-service in this process, the GPU worker and the system worker built and spawned,
 * a real generation, and a real SMTP server. The zip is built from the services' export RPCs
 * and the blob store, mailed as a signed link, and that link streams it.
 */
describe('system-worker: data export', () => {
  const smtp = new TestSmtpServer();
  let stack: GenerationStack;
  let worker: RunningSystemWorker;
  let customer: Customer;
  let email: string;
  let exportId: string;
  let generationIds: string[];
  let boardId: string;
  let zip: Map<string, Buffer>;

  const sql = async <T>(text: string, params: unknown[] = []): Promise<T[]> => {
    const client = new Client({
      connectionString: worker.schema.url,
      options: `-c search_path=${worker.schema.schema}`,
    });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  };
  const api = (url: string, path: string) =>
    request(url).get(path).auth(customer.token, { type: 'bearer' });
  const exportMails = () =>
    smtp.messages.filter(
      (m) => m.envelope.to.includes(email) && /zip|내보내기|export/i.test(m.subject),
    );

  beforeAll(async () => {
    stack = await bootGenerationStack({ gallery: true });
    await smtp.start();
    worker = await startSystemWorker({
      namespace: stack.namespace,
      storageDir: stack.storageDir,
      smtpUrl: smtp.url,
    });
    await stack.startWorker();
    customer = await stack.customer('pro', 200);
    email = customer.session.user.email;

    generationIds = [];
    for (const [prompt, seed] of [
      ['창가에 앉은 고양이', 7],
      ['a red fox in the snow', 8],
    ] as const) {
      const res = await request(stack.generation.url)
        .post('/api/v1/generations')
        .auth(customer.token, { type: 'bearer' })
        .send({ prompt, steps: 2, seed })
        .expect(202);
      generationIds.push(res.body.id as string);
    }
    for (const id of generationIds) await stack.waitFor(customer, id, ['succeeded'], 60_000);
    await eventually(
      async () => {
        const res = await api(stack.gallery!.url, '/api/v1/images');
        return res.body.items?.length === 2 ? true : undefined;
      },
      20_000,
      'both images in the gallery',
    );
    const board = await request(stack.gallery!.url)
      .post('/api/v1/boards')
      .auth(customer.token, { type: 'bearer' })
      .send({ name: '<b>내 보드</b>' })
      .expect(201);
    boardId = board.body.id as string;
  }, 240_000);

  afterAll(async () => {
    await worker?.stop();
    await worker?.schema.drop();
    await stack?.stop();
    await smtp.stop();
  });

  it('mails the signed link of one zip, in the user’s language, and the link streams it', async () => {
    const asked = await request(stack.users.url)
      .post('/api/v1/users/me/export')
      .auth(customer.token, { type: 'bearer' })
      .expect(202);
    exportId = asked.body.exportId as string;

    const [mail] = await smtp.waitFor((m) => exportMails().includes(m), 1, 60_000);
    const me = await api(stack.users.url, '/api/v1/users/me').expect(200);
    expect(mail.subject).toBe(
      me.body.locale === 'ko'
        ? '[Pingvas] 데이터 내보내기가 준비되었습니다'
        : '[Pingvas] Your data export is ready',
    );
    const link = /(https?:\/\/\S+\/api\/v1\/exports\/\S+)/.exec(mail.text)?.[1];
    expect(link).toBeDefined();
    expect(link).toContain(exportId);
    expect(mail.html).toContain(`href="${link!.replace(/&/g, '&amp;')}"`);

    // The mailed link points at the web origin; here user-service answers it directly.
    const url = new URL(link!);
    const res = await request(stack.users.url)
      .get(`${url.pathname}${url.search}`)
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    expect(res.headers['content-type']).toMatch(/application\/zip/);
    zip = await unzip(res.body as Buffer);
    expect([...zip.keys()].filter((n) => n.endsWith('.json')).sort()).toEqual([
      'account.json',
      'boards.json',
      'generations.json',
      'images.json',
      'ledger.json',
    ]);
  });

  it('holds every image byte for byte, and JSON that matches the API’s views', async () => {
    const account = json(zip, 'account.json') as {
      user: Record<string, unknown>;
      account: { available: number; reserved: number };
    };
    const me = await api(stack.users.url, '/api/v1/users/me').expect(200);
    const { pendingEmail: _pending, ...profile } = me.body as Record<string, unknown>;
    expect(account.user).toEqual(profile);
    const balance = await api(stack.payment.url, '/api/v1/credits/balance').expect(200);
    expect(account.account).toMatchObject({
      available: balance.body.available,
      reserved: balance.body.reserved,
    });

    // Generations with their parameters, each exactly as GET /generations/:id shows it.
    const generations = json(zip, 'generations.json') as { id: string }[];
    expect(generations.map((g) => g.id).sort()).toEqual([...generationIds].sort());
    for (const g of generations) {
      const view = await api(stack.generation.url, `/api/v1/generations/${g.id}`).expect(200);
      expect(g).toEqual(view.body);
    }

    // Images: the gallery's view (less its expiring signed URLs) and the file, byte for byte.
    const images = json(zip, 'images.json') as Record<string, unknown>[];
    expect(images).toHaveLength(2);
    for (const image of images) {
      const view = await api(stack.gallery!.url, `/api/v1/images/${String(image.id)}`).expect(200);
      const { urls: _urls, ...rest } = view.body as Record<string, unknown>;
      expect(image).toEqual({ ...rest, file: `images/${String(image.id)}.png` });
      const original = await readFile(
        join(stack.storageDir, 'images', customer.userId, String(image.generationId), '0.png'),
      );
      const zipped = zip.get(String(image.file));
      expect(zipped).toBeDefined();
      expect(zipped!.equals(original)).toBe(true);
    }
    expect([...zip.keys()].filter((n) => n.startsWith('images/'))).toHaveLength(2);

    const boards = json(zip, 'boards.json') as unknown[];
    const boardsView = await api(stack.gallery!.url, '/api/v1/boards').expect(200);
    expect(boards).toEqual([expect.objectContaining(boardsView.body.items[0])]);
    expect(boards).toEqual([expect.objectContaining({ id: boardId, name: '<b>내 보드</b>' })]);

    const ledger = json(zip, 'ledger.json') as unknown[];
    const ledgerView = await api(stack.payment.url, '/api/v1/credits/ledger').expect(200);
    expect(ledger.length).toBeGreaterThanOrEqual(3);
    expect(ledger).toEqual(ledgerView.body.items);
  });

  it('builds again to the same key and mails once when the job runs twice', async () => {
    const queue = stack.queue(QueueNames.systemExport);
    const job: ExportJob = { exportId, userId: customer.userId };
    await queue.add(SystemJobNames.buildExport, job, { jobId: `again-${exportId}` });
    await eventually(
      async () =>
        (await queue.getJobState(`again-${exportId}`)) === 'completed' ? true : undefined,
      30_000,
      'the export built again',
    );
    // The mail job of the second build has the same message id: it is recorded, not sent.
    await eventually(
      async () => {
        const mailJob = await stack
          .queue(QueueNames.systemEmail)
          .getJob(`export-ready-${exportId}`);
        return mailJob && (await mailJob.getState()) === 'completed' ? true : undefined;
      },
      10_000,
      'the mail job done',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(exportMails()).toHaveLength(1);
    const rows = await sql(`SELECT 1 FROM "sent_emails" WHERE "message_key" = $1`, [
      messageKey(`export-ready-${exportId}`),
    ]);
    expect(rows).toHaveLength(1);
  });

  it('deletes the user’s export zips and its rows on system-erasure user.deleted', async () => {
    const key = join(stack.storageDir, exportBlobKey(customer.userId, exportId));
    await expect(readFile(key)).resolves.toBeInstanceOf(Buffer);
    const queue = stack.queue(erasureQueue('system'));
    await queue.add(
      UserDeletedJobName,
      { userId: customer.userId, deletedAt: new Date().toISOString() },
      { jobId: `user-deleted-${customer.userId}` },
    );
    await eventually(
      async () =>
        (await queue.getJobState(`user-deleted-${customer.userId}`)) === 'completed'
          ? true
          : undefined,
      15_000,
      'the erasure done',
    );
    await expect(readFile(key)).rejects.toThrow(/ENOENT/);
    const rows = await sql(`SELECT * FROM "export_files" WHERE "user_id" = $1`, [customer.userId]);
    expect(rows).toEqual([]);
  });
});
