import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import { type EmailMessage, type Locale, QueueNames, SystemJobNames } from '@pingvas/contracts';
import type { Tx } from '@pingvas/database';
import { Outbox } from '@pingvas/messaging';
import type { UserServiceConfig } from '../config';

/** The web app's landing pages for the mailed links (apps/web). */
export type LandingPage = '/verify-email' | '/reset-password';

/**
 * The mail user-service sends: a `system-email` job written through the outbox in the
 * caller's transaction, so it goes out if and only if the change it tells of committed. The
 * system worker renders and sends it; `messageId` (also the job id) makes it go out once.
 */
@Injectable()
export class AccountMail {
  constructor(
    private readonly outbox: Outbox,
    @Inject(APP_CONFIG) private readonly config: UserServiceConfig,
  ) {}

  /** An absolute link to a landing page of the web app carrying `token`. */
  link(page: LandingPage, token: string): string {
    return `${this.config.publicWebUrl}${page}?token=${encodeURIComponent(token)}`;
  }

  /** `messageId`: unique per message, without ':' (a BullMQ job id). */
  async send(
    tx: Tx,
    mail: { to: string; locale: Locale; messageId: string; message: EmailMessage },
  ): Promise<void> {
    await this.outbox.add(tx, {
      queue: QueueNames.systemEmail,
      name: SystemJobNames.sendEmail,
      jobId: mail.messageId,
      payload: { ...mail.message, messageId: mail.messageId, to: mail.to, locale: mail.locale },
    });
  }

  /** Relays what committed (the outbox's timer would, a little later). */
  flush(): void {
    void this.outbox.flush();
  }
}
