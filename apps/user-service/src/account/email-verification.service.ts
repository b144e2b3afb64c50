import { Injectable } from '@nestjs/common';
import { AppError } from '@pingvas/common';
import type { Tx } from '@pingvas/database';
import { PasswordHasher } from '../auth/password-hasher';
import { EmailTokensRepository } from '../email-tokens/email-tokens.repository';
import { type User, UsersRepository } from '../users/users.repository';
import { AccountMail } from './account-mail';

/** How long a mailed address-proving link works. */
export const VERIFY_TTL_HOURS = 24;
const HOUR_MS = 3_600_000;

export interface VerifiedEmail {
  emailVerified: true;
  email: string;
}

export function tokenError(reason: 'invalid' | 'expired'): AppError {
  return reason === 'expired'
    ? new AppError('TOKEN_EXPIRED', 'This link has expired; ask for a new one')
    : new AppError('TOKEN_INVALID', 'This link is not valid (or was used already)');
}

/**
 * Proving an address (DESIGN §16): the sign-up's own, and a new one the user changes to. Both
 * are a mailed single-use link to /verify-email; `POST auth/email/verify` tells them apart by
 * the token's purpose. A change applies only once the new address is proven, and the old one
 * is told.
 */
@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: EmailTokensRepository,
    private readonly hasher: PasswordHasher,
    private readonly mail: AccountMail,
  ) {}

  /** In the sign-up's (or a resend's) transaction: a fresh verification link to the address. */
  async sendVerification(user: User, tx: Tx): Promise<void> {
    await this.tokens.invalidateUnused(user.id, 'verify-email', tx);
    const issued = await this.tokens.issue(user.id, 'verify-email', VERIFY_TTL_HOURS * HOUR_MS, tx);
    await this.mail.send(tx, {
      to: user.email,
      locale: user.locale,
      messageId: `email-verify-${issued.id}`,
      message: {
        template: 'email-verify',
        data: {
          link: this.mail.link('/verify-email', issued.token),
          expiresHours: VERIFY_TTL_HOURS,
        },
      },
    });
  }

  async resend(userId: string): Promise<void> {
    await this.users.transaction(async (tx) => {
      const user = await this.users.lock(userId, tx);
      if (!user) throw new AppError('NOT_FOUND', 'No such user');
      if (user.emailVerifiedAt) {
        throw new AppError('EMAIL_ALREADY_VERIFIED', 'This address is verified already');
      }
      await this.sendVerification(user, tx);
    });
    this.mail.flush();
  }

  /** Spends a verify-email or email-change token; an email change re-checks the address. */
  async verify(token: string): Promise<VerifiedEmail> {
    const email = await this.users.transaction(async (tx) => {
      const used = await this.tokens.consume(token, ['verify-email', 'email-change'], tx);
      if (!used.ok) throw tokenError(used.reason);
      const user = await this.users.lock(used.userId, tx);
      if (!user) throw tokenError('invalid');
      if (used.purpose === 'verify-email') {
        await this.users.markVerified(user.id, tx);
        return user.email;
      }
      const newEmail = used.newEmail!;
      if (newEmail !== user.email) {
        if (!(await this.users.changeEmail(user.id, newEmail, tx))) {
          throw new AppError('EMAIL_TAKEN', 'An account with this email exists');
        }
        await this.tokens.invalidateUnused(user.id, 'email-change', tx);
        // A reset link mailed to the old address must not open the account any more.
        await this.tokens.invalidateUnused(user.id, 'password-reset', tx);
        await this.tokens.invalidateUnused(user.id, 'verify-email', tx);
        await this.mail.send(tx, {
          to: user.email,
          locale: user.locale,
          messageId: `email-changed-${used.id}`,
          message: { template: 'email-changed', data: { newEmail } },
        });
      } else {
        await this.users.markVerified(user.id, tx);
      }
      return newEmail;
    });
    this.mail.flush();
    return { emailVerified: true, email };
  }

  /**
   * Mails a link to the new address; nothing changes until it is followed. The password is
   * asked so that a session left open cannot move the account away from its owner.
   */
  async requestChange(
    userId: string,
    input: { email: string; password: string },
  ): Promise<{ pendingEmail: string }> {
    // (auth.service imports this file, so its normaliseEmail is not imported back.)
    const newEmail = input.email.trim().toLowerCase();
    const user = await this.users.findById(userId);
    if (!user) throw new AppError('NOT_FOUND', 'No such user');
    if (!(await this.hasher.verify(user.passwordHash, input.password))) {
      throw new AppError('WRONG_PASSWORD', 'The password is wrong');
    }
    if (newEmail === user.email) {
      throw new AppError('VALIDATION_FAILED', 'This is your address already', [
        { field: 'email', problems: ['email is the current address'] },
      ]);
    }
    const holder = await this.users.findByEmail(newEmail);
    if (holder) throw new AppError('EMAIL_TAKEN', 'An account with this email exists');
    await this.users.transaction(async (tx) => {
      const locked = await this.users.lock(userId, tx);
      if (!locked) throw new AppError('NOT_FOUND', 'No such user');
      await this.tokens.invalidateUnused(userId, 'email-change', tx);
      const issued = await this.tokens.issue(
        userId,
        'email-change',
        VERIFY_TTL_HOURS * HOUR_MS,
        tx,
        newEmail,
      );
      await this.mail.send(tx, {
        to: newEmail,
        locale: locked.locale,
        messageId: `email-change-verify-${issued.id}`,
        message: {
          template: 'email-change-verify',
          data: {
            link: this.mail.link('/verify-email', issued.token),
            newEmail,
            expiresHours: VERIFY_TTL_HOURS,
          },
        },
      });
    });
    this.mail.flush();
    return { pendingEmail: newEmail };
  }
}
