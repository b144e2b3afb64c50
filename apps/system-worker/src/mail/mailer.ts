import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import { createTransport, type Transporter } from 'nodemailer';
import type { SystemWorkerConfig } from '../config';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { RenderedMail } from './layout';

export interface OutgoingMail extends RenderedMail {
  to: string;
  /** The producer's message id; also the mail's Message-ID header. */
  messageId: string;
}

/**
 * Sends mail over SMTP (`SMTP_URL`) with nodemailer, or, without it (dev and tests only: the
 * config refuses prod), prints the mail to the log so its links can be followed. A failed send
 * throws, so BullMQ retries the job with its backoff.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly logger = new Logger(Mailer.name);
  private readonly transport?: Transporter;
  private readonly domain: string;

  constructor(@Inject(APP_CONFIG) private readonly config: SystemWorkerConfig) {
    const { smtpUrl, from } = config.mail;
    this.domain = /@([A-Za-z0-9.-]+)/.exec(from)?.[1] ?? 'pingvas.local';
    if (smtpUrl) {
      this.transport = createTransport(
        {
          ...smtpOptions(smtpUrl),
          // Short waits: a send holds its message's send-once lock, and the job is retried anyway.
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 30_000,
        },
        { from },
      );
    }
  }

  /** Where mail goes, for the boot line (no credentials). */
  describe(): string {
    if (!this.config.mail.smtpUrl) return 'the log (no SMTP_URL)';
    const url = new URL(this.config.mail.smtpUrl);
    return `${url.protocol}//${url.host}`;
  }

  async send(mail: OutgoingMail): Promise<void> {
    const messageId = `<${mail.messageId}@${this.domain}>`;
    if (!this.transport) {
      this.logger.log(
        { to: mail.to, subject: mail.subject, messageId, text: mail.text },
        `mail not sent (no SMTP_URL), printed here:\nTo: ${mail.to}\nSubject: ${mail.subject}\n\n${mail.text}`,
      );
      return;
    }
    await this.transport.sendMail({
      from: this.config.mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId,
    });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}

/** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465` as nodemailer's options. */
export function smtpOptions(smtpUrl: string): SMTPTransport.Options {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username
      ? {
          auth: {
            user: decodeURIComponent(url.username),
            pass: decodeURIComponent(url.password),
          },
        }
      : {}),
  };
}
