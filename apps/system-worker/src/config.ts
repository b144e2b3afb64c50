import { ConfigError, type Env, envInt, envUrl, loadServiceConfig } from '@pingvas/common';
import { EXPORT_LINK_TTL_HOURS, EXPORT_PAGE_MAX, SYSTEM_WORKER } from '@pingvas/contracts';
import { loadStorageConfig } from '@pingvas/storage';
import { z } from 'zod';

const systemWorkerEnv = {
  /**
   * Where mail goes: `smtp://user:pass@host:587` (STARTTLS when the server offers it) or
   * `smtps://…:465`; SES's SMTP interface in prod. Unset in dev: mail is printed to the log.
   */
  SMTP_URL: envUrl(['smtp:', 'smtps:']).optional(),
  /** The sender of every mail (an address SES has verified in prod). */
  MAIL_FROM: z.string().min(3).default('Pingvas <no-reply@pingvas.local>'),
  /** Rows asked for per page of an export's RPC reads. */
  EXPORT_PAGE_SIZE: envInt(1, EXPORT_PAGE_MAX).default(200),
  /** How long an export zip stays in the blob store: its link's 24 h, and an hour's grace. */
  EXPORT_RETENTION_MS: envInt(60_000, 30 * 86_400_000).default(
    (EXPORT_LINK_TTL_HOURS + 1) * 3_600_000,
  ),
  /**
   * How long a sent mail's message id is kept (the send-once record). Far past any retry (10
   * attempts from 1 s doubling end within a day) and any producer's repeat (a webhook redelivered).
   */
  SENT_EMAIL_RETENTION_MS: envInt(60_000, 365 * 86_400_000).default(30 * 86_400_000),
  /** How often expired zips and old records are removed. */
  SYSTEM_MAINTENANCE_INTERVAL_MS: envInt(100, 86_400_000).default(3_600_000),
};

export function loadSystemWorkerConfig(env: Env) {
  const { name, port } = SYSTEM_WORKER;
  return loadServiceConfig(name, port, env, systemWorkerEnv, (e, base) => {
    // A production worker without SMTP would print customers' mail to the log and send nothing.
    if (base.appEnv === 'prod') {
      const missing = [
        ...(e.SMTP_URL ? [] : ['SMTP_URL']),
        ...(env.MAIL_FROM ? [] : ['MAIL_FROM']),
      ];
      if (missing.length > 0) {
        throw new ConfigError(
          name,
          missing.map((variable) => ({
            variable,
            problem: 'is required in prod (mail is only printed to the log without it)',
          })),
        );
      }
    }
    return {
      mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
      export: { pageSize: e.EXPORT_PAGE_SIZE },
      maintenance: {
        exportRetentionMs: e.EXPORT_RETENTION_MS,
        sentEmailRetentionMs: e.SENT_EMAIL_RETENTION_MS,
        intervalMs: e.SYSTEM_MAINTENANCE_INTERVAL_MS,
      },
      storage: loadStorageConfig(name, env),
    };
  });
}

export type SystemWorkerConfig = ReturnType<typeof loadSystemWorkerConfig>;
