import { randomUUID } from 'node:crypto';
import { AppError, MetricsRegistry } from '@pingvas/common';
import type { Tier } from '@pingvas/contracts';
import type { Tx } from '@pingvas/database';
import { DataSource } from 'typeorm';
import { PaymentMetrics } from '../payment-metrics';
import { type Plan, PlansRepository } from '../plans/plans.repository';
import {
  type Balance,
  CreditAccountsRepository,
  type KeyedEntry,
  type NewLedgerEntry,
} from './credit-accounts.repository';
import { CreditLedger } from './credit-ledger';
import {
  type NewReservation,
  type Reservation,
  type ReserveAnswer,
  ReservationsRepository,
  type Settlement,
} from './reservations.repository';

/** Never connected: the fakes below answer every call the ledger makes. */
const detached = new DataSource({ type: 'postgres' });

const plan = (tier: Tier, monthlyCredits: number): Plan => ({
  planId: tier,
  tier,
  name: tier,
  monthlyCredits,
  priceCents: 0,
  limits: { queueWeight: 1, maxJobsInFlight: 1, maxSide: 512, maxImagesPerGeneration: 1 },
});

interface Tables {
  accounts: Map<string, Balance>;
  ledger: NewLedgerEntry[];
  reservations: Map<string, Reservation & { expiresAt: number }>;
}

/** The payment tables in memory; a transaction that throws leaves them as they were. */
class InMemoryDatabase {
  tables: Tables = { accounts: new Map(), ledger: [], reservations: new Map() };
  now = 0;

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const before = structuredClone(this.tables);
    try {
      return await fn(detached.manager);
    } catch (err) {
      this.tables = before;
      throw err;
    }
  }

  account(userId: string): Balance {
    const account = this.tables.accounts.get(userId);
    if (!account) throw new Error(`no account ${userId}`);
    return account;
  }
}

class InMemoryAccounts extends CreditAccountsRepository {
  constructor(private readonly db: InMemoryDatabase) {
    super(detached);
  }

  override transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  override async open(userId: string, planId: string, available: number): Promise<boolean> {
    if (this.db.tables.accounts.has(userId)) return false;
    this.db.tables.accounts.set(userId, { userId, planId, available, reserved: 0 });
    return true;
  }

  override async find(userId: string): Promise<Balance | undefined> {
    const account = this.db.tables.accounts.get(userId);
    return account && { ...account };
  }

  override async lockAvailable(userId: string): Promise<number> {
    return this.db.account(userId).available;
  }

  /** As the conditional UPDATE: nothing moves without an account or enough available. */
  override async hold(userId: string, amount: number): Promise<Balance | undefined> {
    const account = this.db.tables.accounts.get(userId);
    if (!account || account.available < amount) return undefined;
    account.available -= amount;
    account.reserved += amount;
    return { ...account };
  }

  override async endHold(userId: string, held: number, back: number): Promise<string | undefined> {
    const account = this.db.account(userId);
    account.available += back;
    account.reserved -= held;
    return account.planId;
  }

  override async addAvailable(userId: string, delta: number): Promise<void> {
    this.db.account(userId).available += delta;
  }

  override async setPlan(userId: string, planId: string): Promise<void> {
    this.db.account(userId).planId = planId;
  }

  override async append(entry: NewLedgerEntry): Promise<boolean> {
    if (entry.key && this.db.tables.ledger.some((e) => e.key === entry.key)) return false;
    this.db.tables.ledger.push(entry);
    return true;
  }

  override async entryUnder(key: string): Promise<KeyedEntry | undefined> {
    const entry = this.db.tables.ledger.find((e) => e.key === key);
    return entry && { ...entry, reference: entry.reference ?? null };
  }
}

class InMemoryReservations extends ReservationsRepository {
  constructor(private readonly db: InMemoryDatabase) {
    super(detached);
  }

  override async insert(r: NewReservation): Promise<boolean> {
    if (this.db.tables.reservations.has(r.id)) return false;
    this.db.tables.reservations.set(r.id, {
      userId: r.userId,
      amount: r.amount,
      status: 'held',
      answer: { refused: true, available: 0, needed: 0 }, // replaced before the reserve commits
      expiresAt: this.db.now + r.holdMinutes * 60_000,
    });
    return true;
  }

  override async find(id: string): Promise<Reservation | undefined> {
    const found = this.db.tables.reservations.get(id);
    return found && { ...found };
  }

  override async answer(id: string, answer: ReserveAnswer): Promise<void> {
    const reservation = this.db.tables.reservations.get(id);
    if (!reservation) return;
    reservation.answer = answer;
    if ('refused' in answer) reservation.status = 'refused';
  }

  override async settle(
    id: string,
    to: Settlement,
  ): Promise<{ userId: string; amount: number } | undefined> {
    const reservation = this.db.tables.reservations.get(id);
    if (reservation?.status !== 'held') return undefined;
    reservation.status = to;
    return { userId: reservation.userId, amount: reservation.amount };
  }

  override async due(limit: number): Promise<string[]> {
    return [...this.db.tables.reservations]
      .filter(([, r]) => r.status === 'held' && r.expiresAt <= this.db.now)
      .slice(0, limit)
      .map(([id]) => id);
  }
}

class InMemoryPlans extends PlansRepository {
  private readonly plans = [plan('free', 100), plan('pro', 3000)];

  constructor() {
    super(detached);
  }

  override async find(planId: string): Promise<Plan | undefined> {
    return this.plans.find((p) => p.planId === planId);
  }

  override async ofTier(tier: Tier): Promise<Plan | undefined> {
    return this.plans.find((p) => p.tier === tier);
  }
}

function setUp() {
  const db = new InMemoryDatabase();
  const registry = new MetricsRegistry();
  const ledger = new CreditLedger(
    new InMemoryAccounts(db),
    new InMemoryReservations(db),
    new InMemoryPlans(),
    { reservations: { ttlMinutes: 30, sweepIntervalMs: 60_000 } },
    new PaymentMetrics(registry),
    { announce: async () => undefined },
  );
  const balanceOf = (userId: string) => {
    const { available, reserved } = db.account(userId);
    return { available, reserved };
  };
  /** What the ledger rows of the user sum to: always the balance. */
  const ledgerSumOf = (userId: string) =>
    db.tables.ledger
      .filter((e) => e.userId === userId)
      .reduce(
        (sum, e) => ({
          available: sum.available + e.availableDelta,
          reserved: sum.reserved + e.reservedDelta,
        }),
        { available: 0, reserved: 0 },
      );
  const counted = async (name: string, labels: Record<string, string> = {}) => {
    const metric = await registry.registry.getSingleMetric(name)?.get();
    const value = metric?.values.find((v) =>
      Object.entries(labels).every(([k, l]) => v.labels[k] === l),
    );
    return value?.value ?? 0;
  };
  const reserve = (userId: string, amount: number, reservationId: string = randomUUID()) =>
    ledger.reserve({ reservationId, userId, amount, reason: 'a generation' });
  return { db, ledger, balanceOf, ledgerSumOf, counted, reserve };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: AppError) => err.code,
  );

describe('CreditLedger', () => {
  const userId = randomUUID();

  it('moves the amount from available to reserved and answers the plan with what is left', async () => {
    const { ledger, balanceOf, ledgerSumOf, reserve } = setUp();
    await expect(reserve(userId, 30)).resolves.toMatchObject({
      planId: 'free',
      tier: 'free',
      available: 70,
    });
    expect(balanceOf(userId)).toEqual({ available: 70, reserved: 30 });
    expect(ledgerSumOf(userId)).toEqual(balanceOf(userId));
    await expect(ledger.openAccount(userId)).resolves.toBe(false);
  });

  it('answers a repeated reservation id with the first answer and holds nothing more', async () => {
    const { balanceOf, reserve } = setUp();
    const id = randomUUID();
    const first = await reserve(userId, 30, id);
    await expect(reserve(userId, 30, id)).resolves.toEqual(first);
    expect(balanceOf(userId)).toEqual({ available: 70, reserved: 30 });
    expect(await codeOf(reserve(userId, 31, id))).toBe('CONFLICT');
    expect(await codeOf(reserve(randomUUID(), 30, id))).toBe('CONFLICT');
  });

  it('refuses a reservation beyond what is available, holds nothing, and keeps refusing that id', async () => {
    const { ledger, balanceOf, reserve } = setUp();
    const id = randomUUID();
    const refused = reserve(userId, 101, id);
    await expect(refused).rejects.toMatchObject({
      code: 'INSUFFICIENT_CREDITS',
      details: { available: 100, needed: 101 },
    });
    expect(balanceOf(userId)).toEqual({ available: 100, reserved: 0 });
    await ledger.grant(userId, 1000, 'admin_grant', { key: 'fund-1' });
    expect(await codeOf(reserve(userId, 101, id))).toBe('INSUFFICIENT_CREDITS');
  });

  it('captures once: the credits are spent, a repeat changes nothing, a release is refused', async () => {
    const { ledger, balanceOf, ledgerSumOf, counted, reserve } = setUp();
    const id = randomUUID();
    await reserve(userId, 40, id);
    await expect(ledger.capture(id)).resolves.toEqual({
      reservationId: id,
      status: 'captured',
      changed: true,
    });
    await expect(ledger.capture(id)).resolves.toMatchObject({ changed: false });
    expect(await codeOf(ledger.release(id))).toBe('ALREADY_SETTLED');
    expect(balanceOf(userId)).toEqual({ available: 60, reserved: 0 });
    expect(ledgerSumOf(userId)).toEqual(balanceOf(userId));
    expect(await counted('credits_captured_total', { tier: 'free' })).toBe(40);
  });

  it('releases once: the credits come back, a repeat changes nothing, a capture is refused', async () => {
    const { ledger, balanceOf, ledgerSumOf, counted, reserve } = setUp();
    const id = randomUUID();
    await reserve(userId, 40, id);
    await expect(ledger.release(id)).resolves.toMatchObject({ status: 'released', changed: true });
    await expect(ledger.release(id)).resolves.toMatchObject({ changed: false });
    expect(await codeOf(ledger.capture(id))).toBe('ALREADY_SETTLED');
    expect(balanceOf(userId)).toEqual({ available: 100, reserved: 0 });
    expect(ledgerSumOf(userId)).toEqual(balanceOf(userId));
    expect(await counted('credits_released_total')).toBe(40);
  });

  it('settles nothing under an unknown or a refused reservation id', async () => {
    const { ledger, reserve } = setUp();
    const refusedId = randomUUID();
    await codeOf(reserve(userId, 500, refusedId));
    expect(await codeOf(ledger.capture(randomUUID()))).toBe('NOT_FOUND');
    expect(await codeOf(ledger.release(refusedId))).toBe('NOT_FOUND');
  });

  it('expires held reservations past their hold, once, and leaves the others', async () => {
    const { db, ledger, balanceOf, reserve } = setUp();
    const [due, settled, young] = [randomUUID(), randomUUID(), randomUUID()];
    await reserve(userId, 10, due);
    await reserve(userId, 10, settled);
    await ledger.capture(settled);
    db.now = 30 * 60_000;
    await reserve(userId, 10, young);
    await expect(ledger.expireDue()).resolves.toBe(1);
    await expect(ledger.expireDue()).resolves.toBe(0);
    expect(db.tables.reservations.get(due)?.status).toBe('expired');
    expect(balanceOf(userId)).toEqual({ available: 80, reserved: 10 });
  });

  it('grants once per idempotency key, and counts the grant', async () => {
    const { ledger, balanceOf, ledgerSumOf, counted } = setUp();
    await expect(ledger.grant(userId, 250, 'admin_grant', { key: 'g-1' })).resolves.toBe(true);
    await expect(ledger.grant(userId, 250, 'admin_grant', { key: 'g-1' })).resolves.toBe(false);
    expect(balanceOf(userId)).toEqual({ available: 350, reserved: 0 });
    expect(ledgerSumOf(userId)).toEqual(balanceOf(userId));
    expect(await counted('credits_granted_total', { reason: 'admin' })).toBe(250);
    expect(await counted('credits_granted_total', { reason: 'signup' })).toBe(100);
  });

  it('counts a move only once its transaction commits', async () => {
    const { db, ledger, counted } = setUp();
    const failing = ledger.transaction(async (tx) => {
      await ledger.grant(userId, 250, 'pack_purchase', { key: 'order-1' }, tx);
      expect(await counted('credits_granted_total', { reason: 'pack' })).toBe(0);
      throw new Error('the webhook could not be recorded');
    });
    await expect(failing).rejects.toThrow('could not be recorded');
    expect(db.tables.accounts.has(userId)).toBe(false);
    expect(await counted('credits_granted_total', { reason: 'pack' })).toBe(0);

    await ledger.transaction((tx) =>
      ledger.grant(userId, 250, 'pack_purchase', { key: 'order-1' }, tx),
    );
    expect(await counted('credits_granted_total', { reason: 'pack' })).toBe(250);
  });

  it('refuses a credit move in a transaction it did not open (its count would be lost)', async () => {
    const { db, ledger } = setUp();
    const foreign = db.transaction((tx) => ledger.setPlan(userId, 'pro', tx));
    await expect(foreign).rejects.toThrow('opened by CreditLedger');
  });
});
