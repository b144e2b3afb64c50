import { Logger } from '@nestjs/common';
import {
  type EmailJob,
  DEFAULT_LOCALE,
  isLocale,
  QueueNames,
  SystemJobNames,
} from '@pingvas/contracts';
import { JobConsumer, OnJob, QueueConsumer } from '@pingvas/messaging';
import { UnrecoverableError } from 'bullmq';
import { SystemWorkerMetrics } from '../worker-metrics';
import type { RenderedMail } from './layout';
import { Mailer } from './mailer';
import { SentEmailsRepository } from './sent-emails.repository';
import { EMAIL_TEMPLATES, renderEmail } from './templates';

/** SMTP replies that refuse the recipient itself (RFC 5321: 550-553). */
const PERMANENT_SMTP_CODES = new Set([550, 551, 552, 553]);

/**
 * `system-email`: renders the message in the user's language and sends it once. The message id
 * is locked, checked and recorded in one transaction around the send: a retried job, a stalled
 * job taken twice or the same message queued again finds it sent and sends nothing. A failed
 * send throws, so the job is retried (the outbox's 10 attempts, exponential backoff); a message
 * no attempt can send (unknown template, a link that is no http(s) URL) fails at once.
 */
@JobConsumer(QueueNames.systemEmail, { concurrency: 4 })
export class EmailConsumer extends QueueConsumer {
  private readonly logger = new Logger(EmailConsumer.name);

  constructor(
    private readonly mailer: Mailer,
    private readonly sent: SentEmailsRepository,
    private readonly metrics: SystemWorkerMetrics,
  ) {
    super();
  }

  @OnJob(QueueNames.systemEmail, SystemJobNames.sendEmail)
  async send(job: EmailJob): Promise<{ sent: boolean }> {
    const rendered = this.render(job);
    const { messageId, template } = job;
    try {
      const sent = await this.sent.transaction(async (tx) => {
        await this.sent.lock(tx, messageId);
        if (await this.sent.wasSent(tx, messageId)) return false;
        await this.mailer.send({ ...rendered, to: job.to, messageId });
        await this.sent.record(tx, messageId, template);
        return true;
      });
      this.metrics.mail(template, sent ? 'sent' : 'duplicate');
      this.logger.log({ messageId, template, sent }, sent ? 'mail sent' : 'mail already sent');
      return { sent };
    } catch (err) {
      const code = (err as { responseCode?: unknown }).responseCode;
      // The server refused this recipient for good (no such mailbox, address or domain): no
      // attempt will change that. Anything else (a 4xx, a lost connection, a failed login,
      // the database) is retried.
      if (typeof code === 'number' && PERMANENT_SMTP_CODES.has(code)) {
        this.metrics.mail(template, 'rejected');
        this.logger.warn({ messageId, template, responseCode: code }, 'mail refused by the server');
        throw new UnrecoverableError(`mail ${messageId} refused by the SMTP server (${code})`);
      }
      this.metrics.mail(template, 'failed');
      this.logger.warn({ messageId, template, err: String(err) }, 'mail not sent, will retry');
      throw err;
    }
  }

  private render(job: EmailJob): RenderedMail {
    const template = EMAIL_TEMPLATES.includes(job.template) ? job.template : undefined;
    const reject = (why: string): never => {
      this.metrics.mail(template ?? 'unknown', 'rejected');
      throw new UnrecoverableError(`mail ${String(job.messageId)} cannot be sent: ${why}`);
    };
    if (typeof job.messageId !== 'string' || !/^[^:\s]{1,200}$/.test(job.messageId))
      reject('no valid messageId');
    if (typeof job.to !== 'string' || !/^[^\s@<>,;]+@[^\s@<>,;]+$/.test(job.to))
      reject('no valid address');
    if (!template) reject(`unknown template ${String(job.template)}`);
    try {
      return renderEmail(job, isLocale(job.locale) ? job.locale : DEFAULT_LOCALE);
    } catch (err) {
      return reject((err as Error).message);
    }
  }
}
