import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppError, APP_CONFIG } from '@pingvas/common';
import {
  DEFAULT_LOCALE,
  type Locale,
  QueueNames,
  type UserCreatedEvent,
  userCreatedJobId,
  UserEventNames,
} from '@pingvas/contracts';
import { Outbox } from '@pingvas/messaging';
import { EmailVerificationService } from '../account/email-verification.service';
import type { UserServiceConfig } from '../config';
import { AccessTokenIssuer } from '../keys/access-token.issuer';
import { UserDto } from '../users/user.dto';
import { type User, UsersRepository } from '../users/users.repository';
import type { SessionDto } from './auth.dto';
import { ClosedSignIns } from './closed-sign-ins';
import { PASSWORD_MAX, PASSWORD_MIN, PasswordHasher } from './password-hasher';
import { RefreshTokensRepository } from './refresh-tokens.repository';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function assertStrongPassword(password: string): void {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    throw new AppError(
      'WEAK_PASSWORD',
      `A password has ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`,
    );
  }
}

const BAD_LOGIN = () => new AppError('INVALID_CREDENTIALS', 'The email or password is wrong');

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly hasher: PasswordHasher,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly outbox: Outbox,
    private readonly closedSignIns: ClosedSignIns,
    private readonly emailVerification: EmailVerificationService,
    @Inject(APP_CONFIG) private readonly config: UserServiceConfig,
  ) {}

  /**
   * Creates the account and announces it (`user.created`) in the same transaction, which also
   * queues the mail with the link that proves the address.
   */
  async signup(input: {
    email: string;
    password: string;
    displayName?: string;
    locale?: Locale;
  }): Promise<SessionDto> {
    assertStrongPassword(input.password);
    const email = normaliseEmail(input.email);
    const passwordHash = await this.hasher.hash(input.password);
    const familyId = randomUUID();
    const { user, refreshToken } = await this.users.transaction(async (tx) => {
      const created = await this.users.insert(
        {
          id: randomUUID(),
          email,
          passwordHash,
          displayName: input.displayName?.trim() || null,
          role: this.config.adminEmails.has(email) ? 'admin' : 'user',
          locale: input.locale ?? DEFAULT_LOCALE,
        },
        tx,
      );
      if (!created) throw new AppError('EMAIL_TAKEN', 'An account with this email exists');
      const event: UserCreatedEvent = {
        userId: created.id,
        email: created.email,
        displayName: created.displayName,
        createdAt: created.createdAt.toISOString(),
      };
      await this.outbox.add(tx, {
        queue: QueueNames.userEvents,
        name: UserEventNames.created,
        jobId: userCreatedJobId(created.id),
        payload: { ...event },
      });
      await this.emailVerification.sendVerification(created, tx);
      const token = await this.refreshTokens.issue(
        created.id,
        familyId,
        this.config.tokens.refreshTtlDays,
        tx,
      );
      return { user: created, refreshToken: token };
    });
    void this.outbox.flush();
    return this.session(user, familyId, refreshToken);
  }

  /** Same answer, and about the same time, for an unknown email and a wrong password. */
  async login(input: { email: string; password: string }): Promise<SessionDto> {
    const user = await this.users.findByEmail(normaliseEmail(input.email));
    const ok = await this.hasher.verify(user?.passwordHash, input.password);
    if (!user || !ok) throw BAD_LOGIN();
    if (this.hasher.needsRehash(user.passwordHash)) {
      await this.users.update(user.id, { passwordHash: await this.hasher.hash(input.password) });
    }
    const familyId = randomUUID();
    const refreshToken = await this.refreshTokens.issue(
      user.id,
      familyId,
      this.config.tokens.refreshTtlDays,
    );
    return this.session(user, familyId, refreshToken);
  }

  async refresh(token: string): Promise<SessionDto> {
    const rotation = await this.refreshTokens.transaction((tx) =>
      this.refreshTokens.rotate(
        token,
        {
          ttlDays: this.config.tokens.refreshTtlDays,
          reuseGraceSeconds: this.config.tokens.reuseGraceSeconds,
        },
        tx,
      ),
    );
    if (rotation.outcome === 'reused') {
      await this.closedSignIns.closeIfPossible([rotation.familyId]);
      throw new AppError(
        'REFRESH_REUSED',
        'This refresh token was already used; every session of this sign-in is closed',
      );
    }
    if (rotation.outcome === 'invalid') {
      throw new AppError(
        'INVALID_REFRESH_TOKEN',
        'The refresh token is unknown, expired or revoked',
      );
    }
    const user = await this.users.findById(rotation.userId);
    if (!user)
      throw new AppError(
        'INVALID_REFRESH_TOKEN',
        'The refresh token is unknown, expired or revoked',
      );
    return this.session(user, rotation.familyId, rotation.next);
  }

  /**
   * Idempotent: an unknown or already revoked token is not an error. The sign-in's access
   * tokens stop working on every service at once.
   */
  async logout(refreshToken: string): Promise<void> {
    const familyId = await this.refreshTokens.revokeFamilyOf(refreshToken);
    if (familyId) await this.closedSignIns.close([familyId]);
  }

  private async session(user: User, familyId: string, refreshToken: string): Promise<SessionDto> {
    const access = await this.accessTokens.issue(user, familyId);
    return {
      user: UserDto.of(user),
      accessToken: access.token,
      refreshToken,
      expiresIn: access.expiresIn,
    };
  }
}
