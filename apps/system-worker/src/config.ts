import { ConfigError, type Env, envInt, envUrl, loadServiceConfig } from '@pingvas/common';
import { SYSTEM_WORKER } from '@pingvas/contracts';
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
  EXPORT_PAGE_SIZE: envInt(1, 1000).default(200),
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
      storage: loadStorageConfig(name, env),
    };
  });
}

export type SystemWorkerConfig = ReturnType<typeof loadSystemWorkerConfig>;
