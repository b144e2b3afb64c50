import type { JobName, QueueName } from '@pingvas/contracts';
import { offlineDataSource, type Tx } from '@pingvas/database';
import { Outbox, type OutboxJob, RedisRevokedSessions } from '@pingvas/messaging';
import { EmailVerificationService } from '../account/email-verification.service';
import { loadUserServiceConfig } from '../config';
import { USER_DATABASE } from '../database';
import { AccessTokenIssuer } from '../keys/access-token.issuer';
import { KeyRing } from '../keys/key-ring';
import { type NewUser, type User, UsersRepository } from '../users/users.repository';
import { AuthService } from './auth.service';
import { ClosedSignIns } from './closed-sign-ins';
import { PasswordHasher } from './password-hasher';
import { RefreshTokensRepository } from './refresh-tokens.repository';

const database = offlineDataSource();
const config = loadUserServiceConfig({ APP_ENV: 'test' });

/** The `users` table in memory: emails unique, as the real constraint makes them. */
class InMemoryUsers extends UsersRepository {
  readonly rows = new Map<string, User>();

  constructor() {
    super(database);
  }

  override transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return fn(database.manager);
  }

  override async findById(id: string): Promise<User | null> {
    return this.rows.get(id) ?? null;
  }

  override async findByEmail(email: string): Promise<User | null> {
    return [...this.rows.values()].find((u) => u.email === email) ?? null;
  }

  override async insert(user: NewUser): Promise<User | null> {
    if (await this.findByEmail(user.email)) return null;
    const row = { ...user, emailVerifiedAt: null, createdAt: new Date(), updatedAt: new Date() };
    this.rows.set(row.id, row);
    return row;
  }
}

/** Refresh tokens in memory: only how many were issued matters here. */
class InMemoryRefreshTokens extends RefreshTokensRepository {
  issued = 0;

  constructor() {
    super(database);
  }

  override async issue(): Promise<string> {
    this.issued += 1;
    return `token-${this.issued}`;
  }
}

/** Keeps what would have been written to the outbox. */
class RecordingOutbox extends Outbox {
  readonly jobs: string[] = [];

  constructor() {
    super(database, config, USER_DATABASE);
  }

  override async add<Q extends QueueName, N extends JobName<Q>>(
    _tx: Tx,
    job: OutboxJob<Q, N>,
  ): Promise<void> {
    this.jobs.push(job.jobId);
  }

  override async flush(): Promise<number> {
    return 0;
  }
}

/** Records whom a verification link would have been mailed to. */
class RecordingVerification extends EmailVerificationService {
  readonly mailedTo: string[] = [];

  constructor() {
    super(null as never, null as never, null as never, null as never);
  }

  override async sendVerification(user: User): Promise<void> {
    this.mailedTo.push(user.email);
  }
}

async function setup() {
  const users = new InMemoryUsers();
  const refreshTokens = new InMemoryRefreshTokens();
  const outbox = new RecordingOutbox();
  const verification = new RecordingVerification();
  const hasher = new PasswordHasher();
  await hasher.onModuleInit();
  const sut = new AuthService(
    users,
    refreshTokens,
    hasher,
    new AccessTokenIssuer(new KeyRing(config), config),
    outbox,
    new ClosedSignIns(new RedisRevokedSessions(config), config),
    verification,
    config,
  );
  const existing: User = {
    id: '7b0c6f5e-3c0e-4d8e-9d39-2f1d3c9b8a01',
    email: 'ada@example.com',
    passwordHash: await hasher.hash('correct horse battery'),
    displayName: null,
    role: 'user',
    emailVerifiedAt: null,
    locale: 'ko',
    createdAt: new Date(),
    updatedAt: new Date(),
  };
  users.rows.set(existing.id, existing);
  return { sut, users, refreshTokens, outbox, verification };
}

describe('AuthService', () => {
  it('refuses a sign-up with a taken email (whatever its case or spaces) and announces nothing', async () => {
    const { sut, users, refreshTokens, outbox, verification } = await setup();

    const signup = sut.signup({ email: '  ADA@example.com ', password: 'another long password' });

    await expect(signup).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
    expect(users.rows.size).toBe(1);
    expect(outbox.jobs).toEqual([]);
    expect(verification.mailedTo).toEqual([]);
    expect(refreshTokens.issued).toBe(0);
  });

  it('refuses a login with a wrong password as INVALID_CREDENTIALS and issues no token', async () => {
    const { sut, refreshTokens } = await setup();

    const login = sut.login({ email: 'ada@example.com', password: 'correct horse batterY' });

    await expect(login).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(refreshTokens.issued).toBe(0);
  });

  it('refuses a login for an unknown email with the same INVALID_CREDENTIALS', async () => {
    const { sut } = await setup();

    const login = sut.login({ email: 'nobody@example.com', password: 'correct horse battery' });

    await expect(login).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });
});
