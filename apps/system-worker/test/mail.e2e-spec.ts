import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmailJob, QueueNames, SystemJobNames } from '@pingvas/contracts';
import {
  eventually,
  spawnBuilt,
  TEST_REDIS_URL,
  TestSmtpServer,
  testEnv,
  uniqueName,
} from '@pingvas/testing';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { messageKey } from '../src/mail/sent-emails.repository';
import request from 'supertest';
import { type RunningSystemWorker, startSystemWorker } from '../../../test/support/system-worker';

/** As the outbox queues a job (libs/messaging Outbox): 10 attempts, exponential from 1 s. */
const OUTBOX_OPTIONS = { attempts: 10, backoff: { type: 'exponential', delay: 1000 } } as const;

/**
 * The built system worker against a real SMTP server (smtp-server), real Redis and BullMQ and
 * its own PostgreSQL schema: what a job on system-email becomes at the receiving end.
 */
describe('system-worker: mail', () => {
  const namespace = uniqueName('sw_mail');
  const smtp = new TestSmtpServer();
  let storageDir: string;
  let worker: RunningSystemWorker;
  let queue: Queue;

  beforeAll(async () => {
    storageDir = await mkdtemp(join(tmpdir(), 'system-worker-'));
    await smtp.start();
    worker = await startSystemWorker({ namespace, storageDir, smtpUrl: smtp.url });
    queue = new Queue(QueueNames.systemEmail, {
      prefix: namespace,
      connection: { url: TEST_REDIS_URL } as never,
    });
  });

  afterAll(async () => {
    await queue?.close();
    await worker?.stop();
    await worker?.schema.drop();
    await smtp.stop();
    await rm(storageDir, { recursive: true, force: true });
  });

  const send = (job: EmailJob, jobId = job.messageId) =>
    queue.add(SystemJobNames.sendEmail, job, { jobId, ...OUTBOX_OPTIONS });

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

  const finished = (jobId: string) =>
    eventually(
      async () => {
        const state = await queue.getJobState(jobId);
        return state === 'completed' || state === 'failed' ? state : undefined;
      },
      20_000,
      `job ${jobId} finished`,
    );

  it('sends the verification mail in Korean to a Korean user: text and HTML, with the link', async () => {
    const link = 'https://app.example.com/verify-email?token=ko-token-1';
    await send({
      messageId: uniqueName('verify-ko'),
      to: 'minji@example.com',
      locale: 'ko',
      template: 'email-verify',
      data: { link, expiresHours: 24 },
    });
    const [mail] = await smtp.waitFor((m) => m.envelope.to.includes('minji@example.com'));
    expect(mail.envelope.from).toBe('no-reply@pingvas.test');
    expect(mail.subject).toBe('[Pingvas] 이메일 주소를 인증해 주세요');
    expect(mail.text).toContain('이메일 인증하기');
    expect(mail.text).toContain(link);
    expect(mail.text).toContain('24시간');
    expect(mail.html).toContain('<html lang="ko">');
    expect(mail.html).toContain(`href="${link}"`);
    expect(mail.html).toContain('이메일 인증하기');
  });

  it('sends it in English to an English user', async () => {
    const link = 'https://app.example.com/reset-password?token=en-token-1&x=2';
    await send({
      messageId: uniqueName('reset-en'),
      to: 'sam@example.com',
      locale: 'en',
      template: 'password-reset',
      data: { link, expiresMinutes: 60 },
    });
    const [mail] = await smtp.waitFor((m) => m.envelope.to.includes('sam@example.com'));
    expect(mail.subject).toBe('[Pingvas] Reset your password');
    expect(mail.text).toContain(`Reset password: ${link}`);
    expect(mail.text).toContain('60 minutes');
    expect(mail.text).not.toMatch(/[가-힣]/);
    expect(mail.html).toContain('<html lang="en">');
    expect(mail.html).toContain(`href="${link.replace('&', '&amp;')}"`);
  });

  it('escapes a hostile value in the HTML part and keeps it readable in the text part', async () => {
    const hostile = 'x"><script>alert(1)</script>@example.com';
    await send({
      messageId: uniqueName('changed'),
      to: 'hostile@example.com',
      locale: 'en',
      template: 'email-changed',
      data: { newEmail: hostile },
    });
    const [mail] = await smtp.waitFor((m) => m.envelope.to.includes('hostile@example.com'));
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@example.com');
    expect(mail.text).toContain(hostile);
  });

  it('sends a message once when its job is retried after a 4xx from the server', async () => {
    const messageId = uniqueName('retry');
    const before = smtp.attempts;
    smtp.failNext(1, 451);
    await send({
      messageId,
      to: 'retry@example.com',
      locale: 'ko',
      template: 'password-changed',
      data: {},
    });
    expect(await finished(messageId)).toBe('completed');
    const job = await queue.getJob(messageId);
    expect(job!.attemptsMade).toBe(2);
    expect(smtp.attempts - before).toBe(2);
    expect(smtp.to('retry@example.com')).toHaveLength(1);
  });

  it('sends a message once when the same message id is queued again, and records it without the address', async () => {
    const messageId = uniqueName('twice');
    const job: EmailJob = {
      messageId,
      to: 'twice@example.com',
      locale: 'en',
      template: 'receipt',
      data: {
        orderId: 'ord_42',
        planName: 'Pro',
        amount: 1990,
        currency: 'USD',
        paidAt: '2026-12-03T01:02:03.000Z',
      },
    };
    await send(job, `${messageId}-a`);
    expect(await finished(`${messageId}-a`)).toBe('completed');
    await send(job, `${messageId}-b`);
    expect(await finished(`${messageId}-b`)).toBe('completed');
    expect((await queue.getJob(`${messageId}-b`))!.returnvalue).toEqual({ sent: false });
    const mails = smtp.to('twice@example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0].text).toContain('$19.90');
    expect(mails[0].messageId).toBe(`<${messageId}@pingvas.test>`);

    // Recorded under the id's SHA-256: the id itself may name a user, the address is not kept.
    const rows = await sql<Record<string, unknown>>(`SELECT * FROM "sent_emails"`);
    expect(rows).toContainEqual({
      message_key: messageKey(messageId),
      template: 'receipt',
      sent_at: expect.any(Date),
    });
    expect(JSON.stringify(rows)).not.toContain(messageId);
    expect(JSON.stringify(rows)).not.toContain('twice@example.com');
  });

  it('fails a message at once when the server refuses its recipient for good (550)', async () => {
    const messageId = uniqueName('refused');
    smtp.failNext(1, 550, 'No such mailbox');
    await send({
      messageId,
      to: 'nobody@example.com',
      locale: 'en',
      template: 'password-changed',
      data: {},
    });
    expect(await finished(messageId)).toBe('failed');
    expect((await queue.getJob(messageId))!.attemptsMade).toBe(1);
    expect(smtp.to('nobody@example.com')).toHaveLength(0);
    expect(
      await sql(`SELECT 1 FROM "sent_emails" WHERE "message_key" = $1`, [messageKey(messageId)]),
    ).toHaveLength(0);
  });

  it('fails a message no attempt can send at once, without sending it', async () => {
    const messageId = uniqueName('bad-link');
    await send({
      messageId,
      to: 'bad-link@example.com',
      locale: 'en',
      template: 'email-verify',
      data: { link: 'javascript:alert(1)', expiresHours: 24 },
    });
    expect(await finished(messageId)).toBe('failed');
    expect((await queue.getJob(messageId))!.attemptsMade).toBe(1);
    expect(smtp.to('bad-link@example.com')).toHaveLength(0);
    // The worker is still up and sending.
    await send({
      messageId: uniqueName('after-bad'),
      to: 'after-bad@example.com',
      locale: 'en',
      template: 'account-deleted',
      data: {},
    });
    await smtp.waitFor((m) => m.envelope.to.includes('after-bad@example.com'));
  });

  it('answers /health, /ready and /metrics', async () => {
    expect((await request(worker.url).get('/health')).status).toBe(200);
    const ready = await request(worker.url).get('/ready');
    expect(ready.status).toBe(200);
    const metrics = await request(worker.url).get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(
      /emails_total\{[^}]*template="email-verify"[^}]*outcome="sent"[^}]*\} 1/,
    );
    expect(metrics.text).toMatch(
      /emails_total\{[^}]*template="receipt"[^}]*outcome="duplicate"[^}]*\} 1/,
    );
  });
});

describe('system-worker: without SMTP_URL', () => {
  it('boots in dev and prints the mail, with its link, to the log', async () => {
    const namespace = uniqueName('sw_log');
    const storageDir = await mkdtemp(join(tmpdir(), 'system-worker-'));
    const worker = await startSystemWorker({ namespace, storageDir }, { APP_ENV: 'dev' });
    const queue = new Queue(QueueNames.systemEmail, {
      prefix: namespace,
      connection: { url: TEST_REDIS_URL } as never,
    });
    try {
      const link = 'https://app.example.com/verify-email?token=logged-token';
      await queue.add(
        SystemJobNames.sendEmail,
        {
          messageId: uniqueName('logged'),
          to: 'logged@example.com',
          locale: 'en',
          template: 'email-verify',
          data: { link, expiresHours: 24 },
        } satisfies EmailJob,
        OUTBOX_OPTIONS,
      );
      const line = await worker.process.waitForLine((l) => l.includes('logged-token'), 15_000);
      const entry = JSON.parse(line) as {
        level: number;
        to: string;
        subject: string;
        text: string;
      };
      expect(entry.level).toBe(30);
      expect(entry.to).toBe('logged@example.com');
      expect(entry.subject).toBe('[Pingvas] Verify your email address');
      expect(entry.text).toContain(link);
    } finally {
      await queue.close();
      await worker.stop();
      await worker.schema.drop();
      await rm(storageDir, { recursive: true, force: true });
    }
  });

  it('refuses to boot in prod, naming the variables', async () => {
    const child = spawnBuilt('apps/system-worker/src/main.js', {
      ...testEnv({ schema: 'unused', namespace: uniqueName('sw_prod') }),
      APP_ENV: 'prod',
      LOG_LEVEL: 'info',
    });
    expect(await child.exited).toBe(1);
    const stderr = child.stderr.join('\n');
    expect(stderr).toContain('Invalid configuration for system-worker');
    expect(stderr).toMatch(/SMTP_URL: is required in prod/);
    expect(stderr).toMatch(/MAIL_FROM: is required in prod/);
  });
});
