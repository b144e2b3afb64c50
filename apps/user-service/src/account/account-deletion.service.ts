import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '@pingvas/common';
import {
  ERASURE_SERVICES,
  erasureQueue,
  UserDeletedJobName,
  userDeletedJobId,
} from '@pingvas/contracts';
import { ApiKeyRevocations, Outbox } from '@pingvas/messaging';
import { ClosedSignIns } from '../auth/closed-sign-ins';
import { PasswordHasher } from '../auth/password-hasher';
import { EmailTokensRepository } from '../email-tokens/email-tokens.repository';
import { UsersRepository } from '../users/users.repository';
import { AccountErasureRepository } from './account-erasure.repository';
import { AccountMail } from './account-mail';

const PURGE_ATTEMPTS = 30;
const PURGE_INTERVAL_MS = 1000;

/**
 * `DELETE users/me` (DESIGN §16). One transaction removes every row of the user here (so the
 * address can sign up again), the outbox rows that carried the user's data, and writes a
 * `user.deleted` job on each service's erasure queue plus the farewell mail. After it commits
 * the user's sign-ins are closed (access tokens refused at once) and their API keys are told
 * revoked to every cache.
 */
@Injectable()
export class AccountDeletionService {
  private readonly logger = new Logger(AccountDeletionService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly erasure: AccountErasureRepository,
    private readonly tokens: EmailTokensRepository,
    private readonly hasher: PasswordHasher,
    private readonly mail: AccountMail,
    private readonly outbox: Outbox,
    private readonly closedSignIns: ClosedSignIns,
    private readonly revocations: ApiKeyRevocations,
  ) {}

  async delete(userId: string, password: string, currentSessionId?: string): Promise<void> {
    const user = await this.users.findById(userId);
    if (!user) throw new AppError('NOT_FOUND', 'No such user');
    if (!(await this.hasher.verify(user.passwordHash, password))) {
      throw new AppError('WRONG_PASSWORD', 'The password is wrong');
    }
    const deletedAt = new Date().toISOString();
    const addresses: string[] = [];
    const { signIns, apiKeys } = await this.users.transaction(async (tx) => {
      const locked = await this.users.lock(userId, tx);
      if (!locked) throw new AppError('NOT_FOUND', 'No such user');
      const found = {
        signIns: await this.erasure.signInsOf(userId, tx),
        apiKeys: await this.erasure.activeApiKeysOf(userId, tx),
      };
      addresses.push(locked.email, ...(await this.tokens.requestedAddressesOf(userId, tx)));
      await this.erasure.deleteRowsOf(userId, tx);
      await this.erasure.purgeOutboxOf(userId, addresses, tx);
      for (const service of ERASURE_SERVICES) {
        await this.outbox.add(tx, {
          queue: erasureQueue(service),
          name: UserDeletedJobName,
          jobId: userDeletedJobId(userId),
          payload: { userId, deletedAt },
        });
      }
      await this.mail.send(tx, {
        to: locked.email,
        locale: locked.locale,
        messageId: `account-deleted-${userId}`,
        message: { template: 'account-deleted', data: {} },
      });
      return found;
    });
    this.purgeOnceRelayed(userId, addresses);
    const sessions = currentSessionId ? [...new Set([...signIns, currentSessionId])] : signIns;
    await this.closedSignIns.closeIfPossible(sessions);
    await Promise.all(apiKeys.map((id) => this.revocations.announce(id)));
  }

  /**
   * The rows this deletion wrote name the user too: once relayed they are removed, so no table
   * here names the user. Retried in the background for half a minute (another replica may
   * relay them, or Redis may be away); a process stopped meanwhile leaves them behind.
   */
  private purgeOnceRelayed(userId: string, addresses: readonly string[]): void {
    void (async () => {
      for (let attempt = 0; attempt < PURGE_ATTEMPTS; attempt++) {
        await this.outbox.flush();
        const waiting = await this.erasure
          .purgeRelayedOutboxOf(userId, addresses)
          .catch(() => undefined);
        if (waiting === 0) return;
        await new Promise((resolve) => setTimeout(resolve, PURGE_INTERVAL_MS).unref());
      }
      this.logger.warn({ userId }, 'outbox rows of a deleted user are still waiting to be relayed');
    })();
  }
}
