import { Injectable, Logger } from '@nestjs/common';
import { assertStrongPassword, normaliseEmail } from '../auth/auth.service';
import { ClosedSignIns } from '../auth/closed-sign-ins';
import { PasswordHasher } from '../auth/password-hasher';
import { RefreshTokensRepository } from '../auth/refresh-tokens.repository';
import { EmailTokensRepository } from '../email-tokens/email-tokens.repository';
import { UsersRepository } from '../users/users.repository';
import { AccountMail } from './account-mail';
import { tokenError } from './email-verification.service';

/** How long a mailed reset link works. */
export const RESET_TTL_MINUTES = 60;

/**
 * A forgotten password (DESIGN §16). Asking never tells whether an account has the address:
 * the answer is the same 202, and it is given before anything about the account is looked up
 * (the lookup, the token and the mail run after it), so neither its content nor its timing
 * depends on the account. Setting the new password signs every session out.
 */
@Injectable()
export class PasswordResetService {
  private readonly logger = new Logger(PasswordResetService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: EmailTokensRepository,
    private readonly hasher: PasswordHasher,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly closedSignIns: ClosedSignIns,
    private readonly mail: AccountMail,
  ) {}

  /** Returns at once; the work goes on after the caller answered. */
  requestReset(email: string): void {
    setImmediate(() => {
      this.mailResetLink(normaliseEmail(email)).catch((err: unknown) =>
        this.logger.error({ err: String(err) }, 'password reset mail not queued'),
      );
    });
  }

  /** Resolves once the link is queued (or once it is known that no account has the address). */
  async mailResetLink(email: string): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (!user) return;
    await this.users.transaction(async (tx) => {
      await this.tokens.invalidateUnused(user.id, 'password-reset', tx);
      const issued = await this.tokens.issue(
        user.id,
        'password-reset',
        RESET_TTL_MINUTES * 60_000,
        tx,
      );
      await this.mail.send(tx, {
        to: user.email,
        locale: user.locale,
        messageId: `password-reset-${issued.id}`,
        message: {
          template: 'password-reset',
          data: {
            link: this.mail.link('/reset-password', issued.token),
            expiresMinutes: RESET_TTL_MINUTES,
          },
        },
      });
    });
    this.mail.flush();
  }

  /**
   * Sets the password from a reset link (which proves the address too). A weak password is
   * refused before the link is spent, so the user can try again with it.
   */
  async reset(token: string, password: string): Promise<void> {
    assertStrongPassword(password);
    const passwordHash = await this.hasher.hash(password);
    const userId = await this.users.transaction(async (tx) => {
      const used = await this.tokens.consume(token, ['password-reset'], tx);
      if (!used.ok) throw tokenError(used.reason);
      const user = await this.users.lock(used.userId, tx);
      if (!user) throw tokenError('invalid');
      await this.users.update(user.id, { passwordHash }, tx);
      await this.users.markVerified(user.id, tx);
      await this.tokens.invalidateUnused(user.id, 'password-reset', tx);
      await this.mail.send(tx, {
        to: user.email,
        locale: user.locale,
        messageId: `password-changed-${used.id}`,
        message: { template: 'password-changed', data: {} },
      });
      return user.id;
    });
    this.mail.flush();
    const closed = await this.refreshTokens.revokeAllOf(userId);
    await this.closedSignIns.closeIfPossible(closed);
  }
}
