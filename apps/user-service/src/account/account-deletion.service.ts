import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '@pingvas/common';
import {
  ERASURE_SERVICES,
  erasureQueue,
  UserDeletedJobName,
  userDeletedJobId,
} from '@pingvas/contracts';
import { type Tx } from '@pingvas/database';
import { ApiKeyRevocations, Outbox, type OutboxRowsAbout } from '@pingvas/messaging';
import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import { ClosedSignIns } from '../auth/closed-sign-ins';
import { PasswordHasher } from '../auth/password-hasher';
import { RefreshTokensRepository } from '../auth/refresh-tokens.repository';
import { EmailTokensRepository } from '../email-tokens/email-tokens.repository';
import { ExportsRepository } from '../exports/exports.repository';
import { UsersRepository } from '../users/users.repository';
import { AccountMail } from './account-mail';

const PURGE_ATTEMPTS = 30;
const PURGE_INTERVAL_MS = 1000;

/**
 * Outbox rows that name the user or one of their addresses (`user.created` holds the email;
 * mail jobs the address, an address change the new one).
 */
function aboutTheUser(userId: string, addresses: readonly string[]): OutboxRowsAbout {
  return { fields: { userId: [userId], to: addresses, 'data.newEmail': addresses } };
}

/**
 * `DELETE users/me` (DESIGN §16). One transaction removes every row of the user here (so the
 * address can sign up again), the outbox rows that carried the user's data, and writes a
 * `user.deleted` job on each service's erasure queue plus the farewell mail. After it commits
 * the user's sign-ins are closed (access tokens refused at once) and their API keys are told
 * revoked to every cache. Each table's statements are its repository's; this composes them in
 * one transaction.
 */
@Injectable()
export class AccountDeletionService {
  private readonly logger = new Logger(AccountDeletionService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly apiKeys: ApiKeysRepository,
    private readonly tokens: EmailTokensRepository,
    private readonly exports: ExportsRepository,
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
        signIns: await this.refreshTokens.familiesOf(userId, tx),
        apiKeys: await this.apiKeys.activeIdsOf(userId, tx),
      };
      addresses.push(locked.email, ...(await this.tokens.requestedAddressesOf(userId, tx)));
      await this.deleteRowsOf(userId, tx);
      // Published or not: what went out is in its queue already, and what has not must not
      // (a verification link of a deleted account). Rows being relayed are locked: this waits.
      await this.outbox.purge(aboutTheUser(userId, addresses), tx);
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

  /** Every row of the user (the users row last, so the address can sign up again). */
  private async deleteRowsOf(userId: string, tx: Tx): Promise<void> {
    await this.refreshTokens.deleteAllOf(userId, tx);
    await this.apiKeys.deleteAllOf(userId, tx);
    await this.tokens.deleteAllOf(userId, tx);
    await this.exports.deleteAllOf(userId, tx);
    await this.users.delete(userId, tx);
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
        const waiting = await this.purgeRelayed(userId, addresses).catch(() => undefined);
        if (waiting === 0) return;
        await new Promise((resolve) => setTimeout(resolve, PURGE_INTERVAL_MS).unref());
      }
      this.logger.warn({ userId }, 'outbox rows of a deleted user are still waiting to be relayed');
    })();
  }

  /**
   * Removes the rows about the user that have gone out since the deletion (the `user.deleted`
   * jobs, the farewell mail); resolves with how many are still waiting.
   */
  private async purgeRelayed(userId: string, addresses: readonly string[]): Promise<number> {
    const about = aboutTheUser(userId, addresses);
    await this.outbox.purge({ ...about, relayedOnly: true });
    return this.outbox.count(about);
  }
}
