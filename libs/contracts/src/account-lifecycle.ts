/**
 * Accounts over their life (DESIGN §16): the mail every service hands to the system worker,
 * the data export it builds, and the `user.deleted` event every service honours.
 */

export const LOCALES = ['ko', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'ko';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Every mail Pingvas sends, with what its template needs. Links are absolute URLs. */
export type EmailMessage =
  | { template: 'email-verify'; data: { link: string; expiresHours: number } }
  | {
      template: 'email-change-verify';
      data: { link: string; newEmail: string; expiresHours: number };
    }
  /** To the old address once the change applied. */
  | { template: 'email-changed'; data: { newEmail: string } }
  | { template: 'password-reset'; data: { link: string; expiresMinutes: number } }
  | { template: 'password-changed'; data: Record<string, never> }
  | { template: 'account-deleted'; data: Record<string, never> }
  | { template: 'export-ready'; data: { link: string; expiresHours: number } }
  /** Every paid order and renewal; `amount` is in minor units of `currency`. */
  | {
      template: 'receipt';
      data: {
        orderId: string;
        planName: string;
        amount: number;
        currency: string;
        paidAt: string;
        receiptUrl?: string;
      };
    }
  /** A renewal that could not be charged (`subscription_payment_failed`). */
  | { template: 'payment-failed'; data: { planName: string; updatePaymentUrl?: string } };

export type EmailTemplate = EmailMessage['template'];

/**
 * `system-email` `email.send`: one message. `messageId` is also the BullMQ job id and the key
 * the system worker records once it sent it, so a retried job or a repeated producer (a webhook
 * delivered five times) sends it once. It must not contain ':'.
 */
export type EmailJob = EmailMessage & {
  messageId: string;
  to: string;
  locale: Locale;
  requestId?: string;
};

/**
 * `system-export` `export.build`: the system worker gathers the user's data over RPC and
 * storage, writes one zip to storage and mails the signed link. Who to mail is asked of
 * user-service when it runs, so no address waits in Redis.
 */
export interface ExportJob {
  exportId: string;
  userId: string;
  requestId?: string;
}

/** Where an export's zip lives in the blob store. */
export const exportBlobKey = (userId: string, exportId: string) =>
  `exports/${userId}/${exportId}.zip`;

/** How long an export's link (and the zip) stays valid. */
export const EXPORT_LINK_TTL_HOURS = 24;

/**
 * `user.deleted`: the account is gone from user-service. Each service erases what it holds for
 * the user on its own queue (a BullMQ queue has one consumer group, so the event is written once
 * per queue by user-service's outbox): payment cancels the subscription and anonymises the
 * ledger, generation cancels and deletes, gallery deletes images, boards, files and search
 * documents, the system worker deletes exports. Handlers are idempotent.
 */
export interface UserDeletedEvent {
  userId: string;
  deletedAt: string;
  requestId?: string;
}

export const ERASURE_SERVICES = ['payment', 'generation', 'gallery', 'system'] as const;
export type ErasureService = (typeof ERASURE_SERVICES)[number];
export type ErasureQueueName = `${ErasureService}-erasure`;
export const erasureQueue = (service: ErasureService): ErasureQueueName => `${service}-erasure`;
export const UserDeletedJobName = 'user.deleted' as const;
/** One `user.deleted` job per user and queue (BullMQ ids may not contain ':'). */
export const userDeletedJobId = (userId: string) => `user-deleted-${userId}`;

/** Rows an export RPC answers per page: `limit` may ask up to the max. */
export const EXPORT_PAGE_DEFAULT = 100;
export const EXPORT_PAGE_MAX = 500;

/** Paged reads for the export (RPC): up to `limit` rows after `cursor`. */
export interface ExportPageRequest {
  userId: string;
  cursor?: string;
  limit?: number;
}

export interface ExportPage<T> {
  items: T[];
  /** Absent on the last page. */
  nextCursor?: string;
}
