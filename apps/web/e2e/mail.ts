import { expect, type Page } from '@playwright/test';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Client } from 'pg';
import type { EmailJob, EmailTemplate } from '../../../libs/contracts/src/account-lifecycle';

/**
 * The mail the suite sent, read where user-service and payment-service hand it over: the
 * `system-email` BullMQ jobs in Redis (each job's data is the EmailJob with its links), kept
 * there a day after the system worker sent them, so it does not matter whether it ran yet.
 */
let redis: Redis | undefined;
function connection(): Redis {
  const url = process.env.PINGVAS_REDIS_URL;
  const prefix = process.env.PINGVAS_DB_SCHEMA;
  if (!url || !prefix) throw new Error('global setup did not set PINGVAS_REDIS_URL');
  redis ??= new Redis(url, { maxRetriesPerRequest: 3 });
  return redis;
}

async function mailsTo(to: string): Promise<EmailJob[]> {
  const db = connection();
  const prefix = `${process.env.PINGVAS_DB_SCHEMA}:system-email:`;
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await db.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    // A job is `<prefix><jobId>`; `:logs`, `:lock` and the queue's own keys are not.
    keys.push(...found.filter((key) => !key.slice(prefix.length).includes(':')));
  } while (cursor !== '0');
  const jobs: { job: EmailJob; at: number }[] = [];
  for (const key of keys) {
    const [data, timestamp] = await db.hmget(key, 'data', 'timestamp').catch(() => [null, null]);
    if (!data) continue;
    const job = JSON.parse(data) as EmailJob;
    if (job.to?.toLowerCase() === to.toLowerCase()) jobs.push({ job, at: Number(timestamp) });
  }
  return jobs.sort((a, b) => a.at - b.at).map((j) => j.job);
}

/** The `index`-th mail (0: the first) of a template to an address, waiting until it is sent. */
export async function waitForMail<T extends EmailTemplate>(
  to: string,
  template: T,
  index = 0,
): Promise<Extract<EmailJob, { template: T }>> {
  let found: EmailJob | undefined;
  await expect
    .poll(
      async () => {
        found = (await mailsTo(to)).filter((m) => m.template === template)[index];
        return found !== undefined;
      },
      { message: `mail ${template} #${index} to ${to}`, timeout: 20_000 },
    )
    .toBe(true);
  return found as Extract<EmailJob, { template: T }>;
}

/** How many mails of a template went to an address so far. */
export async function mailCount(to: string, template: EmailTemplate): Promise<number> {
  return (await mailsTo(to)).filter((m) => m.template === template).length;
}

/** The path and query of a mailed link: the test opens it on the suite's own origin. */
export function linkPath(job: { data: { link: string } }): string {
  const url = new URL(job.data.link);
  return url.pathname + url.search;
}

/** Signs-up mail: opens the verification link, as the customer would from their inbox. */
export async function verifyEmail(page: Page, email: string): Promise<void> {
  const mail = await waitForMail(email, 'email-verify');
  await page.goto(linkPath(mail));
  await expect(page.getByRole('heading', { name: '이메일을 인증했습니다' })).toBeVisible();
}

/** SQL on the suite's schema, for what no API does (ageing a token past its lifetime). */
export async function sql(text: string, params: unknown[] = []): Promise<void> {
  const client = new Client({ connectionString: process.env.PINGVAS_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`SET search_path TO "${process.env.PINGVAS_DB_SCHEMA}"`);
    await client.query(text, params);
  } finally {
    await client.end();
  }
}

/** Closes this worker's Redis connection (afterAll of a spec that read mail). */
export async function closeMail(): Promise<void> {
  await redis?.quit();
  redis = undefined;
}

/**
 * A queue paused for a while (BullMQ's own pause, in Redis, as an operator pauses one): its
 * jobs wait, so a test can see what the API and the screens say while one is pending. Resume
 * and close it in a finally.
 */
export async function pausedQueue(
  name: 'system-export' | 'system-email' | 'gen-free',
): Promise<Queue> {
  const url = new URL(process.env.PINGVAS_REDIS_URL!);
  const queue = new Queue(name, {
    connection: {
      host: url.hostname,
      port: Number(url.port || 6379),
      db: Number(url.pathname.slice(1) || 0),
    },
    prefix: process.env.PINGVAS_DB_SCHEMA,
  });
  await queue.pause();
  return queue;
}
