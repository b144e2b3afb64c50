import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import { API_BASE } from '@pingvas/contracts';
import type { UserServiceConfig } from '../config';

const SIG = /^[0-9a-f]{64}$/;
const UNIX_SECONDS = /^\d{1,12}$/;

/**
 * The mailed link to an export's zip: `PUBLIC_WEB_URL/api/v1/exports/<id>?expires=&sig=`,
 * where sig is HMAC-SHA256 (EXPORT_LINK_SECRET) over the export, its owner and the expiry,
 * in hex. It works for that export only, until it expires; checked in constant time.
 */
@Injectable()
export class ExportLinks {
  constructor(@Inject(APP_CONFIG) private readonly config: UserServiceConfig) {}

  private signature(exportId: string, userId: string, expires: number): Buffer {
    return createHmac('sha256', this.config.exports.linkSecret)
      .update(`export\n${exportId}\n${userId}\n${expires}`)
      .digest();
  }

  url(exportId: string, userId: string, expiresAt: Date): string {
    const expires = Math.floor(expiresAt.getTime() / 1000);
    const sig = this.signature(exportId, userId, expires).toString('hex');
    return `${this.config.publicWebUrl}${API_BASE}/exports/${exportId}?expires=${expires}&sig=${sig}`;
  }

  /** True when `sig` was made by `url` for this export and owner and `expires` is still ahead. */
  verify(
    exportId: string,
    userId: string,
    expires: string | undefined,
    sig: string | undefined,
    now = Date.now(),
  ): boolean {
    if (!expires || !sig || !UNIX_SECONDS.test(expires) || !SIG.test(sig)) return false;
    const seconds = Number(expires);
    if (seconds * 1000 <= now) return false;
    return timingSafeEqual(Buffer.from(sig, 'hex'), this.signature(exportId, userId, seconds));
  }
}
