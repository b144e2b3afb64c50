import { type EmailJob, type EmailTemplate, QueueNames } from '@pingvas/contracts';
import { Queue } from 'bullmq';
import { eventually, TEST_REDIS_URL } from './infra';

/** Where a service under test queues its mail: its namespace is its queue prefix (testEnv). */
export interface MailQueueTarget {
  namespace: string;
  redisUrl?: string;
}

const STATES = ['waiting', 'delayed', 'active', 'completed', 'failed', 'paused', 'prioritized'];

/**
 * Every `system-email` job queued so far to `to` (optionally of one template), oldest first,
 * read from BullMQ in Redis, whatever the system worker did with it since.
 */
export async function mailsTo(
  target: MailQueueTarget,
  to: string,
  template?: EmailTemplate,
): Promise<EmailJob[]> {
  const queue = new Queue<EmailJob>(QueueNames.systemEmail, {
    prefix: target.namespace,
    connection: { url: target.redisUrl ?? TEST_REDIS_URL } as never,
  });
  queue.on('error', () => undefined);
  try {
    const jobs = await queue.getJobs(STATES as never);
    return jobs
      .filter((job) => job?.data)
      .sort((a, b) => a.timestamp - b.timestamp)
      .map((job) => job.data)
      .filter((mail) => mail.to === to && (!template || mail.template === template));
  } finally {
    await queue.close();
  }
}

/** Waits for the newest mail of `template` to `to` (the outbox relays it after the commit). */
export async function awaitMail<T extends EmailTemplate>(
  target: MailQueueTarget,
  to: string,
  template: T,
  options: { timeoutMs?: number; after?: number } = {},
): Promise<Extract<EmailJob, { template: T }>> {
  return eventually(
    async () => {
      const mails = await mailsTo(target, to, template);
      return mails.length > (options.after ?? 0)
        ? (mails[mails.length - 1] as Extract<EmailJob, { template: T }>)
        : undefined;
    },
    options.timeoutMs ?? 10_000,
    `a ${template} mail to ${to}`,
  );
}

/** The `token` of a mailed link (?token=…). */
export function tokenOfLink(link: string): string {
  const token = new URL(link).searchParams.get('token');
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}

/**
 * Verifies `email` the way a user does: reads the newest verification mail user-service queued
 * for it and posts its token to `POST /api/v1/auth/email/verify`.
 */
export async function verifyEmailOf(
  usersUrl: string,
  target: MailQueueTarget,
  email: string,
): Promise<void> {
  const mail = await awaitMail(target, email, 'email-verify');
  const res = await fetch(`${usersUrl}/api/v1/auth/email/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: tokenOfLink(mail.data.link) }),
  });
  if (res.status !== 200) {
    throw new Error(`verifying ${email} answered ${res.status}: ${await res.text()}`);
  }
}
