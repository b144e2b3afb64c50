import { Injectable } from '@nestjs/common';
import { AppError, type AuthPrincipal } from '@pingvas/common';
import type { UserProfile } from '@pingvas/contracts';
import { assertStrongPassword } from '../auth/auth.service';
import { ClosedSignIns } from '../auth/closed-sign-ins';
import { PasswordHasher } from '../auth/password-hasher';
import { RefreshTokensRepository } from '../auth/refresh-tokens.repository';
import { EmailTokensRepository } from '../email-tokens/email-tokens.repository';
import { MeDto, UserDto, type UpdateMeDto } from './user.dto';
import { UsersRepository } from './users.repository';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly closedSignIns: ClosedSignIns,
    private readonly emailTokens: EmailTokensRepository,
  ) {}

  async me(userId: string): Promise<MeDto> {
    const user = await this.users.findById(userId);
    if (!user) throw new AppError('NOT_FOUND', 'No such user');
    return { ...UserDto.of(user), pendingEmail: await this.emailTokens.pendingEmailOf(user.id) };
  }

  /** A password change needs the current password and closes every other sign-in. */
  async updateMe(caller: AuthPrincipal, changes: UpdateMeDto): Promise<MeDto> {
    const user = await this.users.findById(caller.userId);
    if (!user) throw new AppError('NOT_FOUND', 'No such user');
    if (changes.newPassword !== undefined) {
      if (changes.currentPassword === undefined) {
        throw new AppError(
          'VALIDATION_FAILED',
          'currentPassword is required to change the password',
          [
            {
              field: 'currentPassword',
              problems: ['currentPassword is required with newPassword'],
            },
          ],
        );
      }
      assertStrongPassword(changes.newPassword);
      if (!(await this.hasher.verify(user.passwordHash, changes.currentPassword))) {
        throw new AppError('WRONG_PASSWORD', 'The current password is wrong');
      }
    }
    await this.users.update(user.id, {
      ...(changes.displayName !== undefined
        ? { displayName: changes.displayName?.trim() || null }
        : {}),
      ...(changes.locale !== undefined ? { locale: changes.locale } : {}),
      ...(changes.newPassword !== undefined
        ? { passwordHash: await this.hasher.hash(changes.newPassword) }
        : {}),
    });
    if (changes.newPassword !== undefined) {
      const closed = await this.refreshTokens.revokeAllOf(user.id, caller.sessionId);
      await this.closedSignIns.closeIfPossible(closed);
    }
    return this.me(user.id);
  }

  /** For other services: no pending address (it is not proven). */
  async profile(id: string): Promise<UserProfile> {
    const user = await this.users.findById(id);
    if (!user) throw new AppError('NOT_FOUND', 'No such user');
    return UserDto.of(user);
  }
}
