import type { PlanForUser, RpcPattern, RpcRequest, RpcResponse } from '@pingvas/contracts';
import type { CatalogueEvent } from '@pingvas/messaging';
import { CatalogueCache } from './catalogue-cache';

const PLAN: PlanForUser = {
  planId: 'pro',
  tier: 'pro',
  limits: { queueWeight: 8, maxJobsInFlight: 4, maxSide: 1024, maxImagesPerGeneration: 4 },
};

/** payment-service and model-service as far as the cache asks them; answers can be held back. */
class FakeOwners {
  readonly asked: RpcPattern[] = [];
  hold?: Promise<void>;

  async send<P extends RpcPattern>(pattern: P, _request: RpcRequest<P>): Promise<RpcResponse<P>> {
    this.asked.push(pattern);
    await this.hold;
    return (pattern === 'payment.plans.forUser' ? PLAN : { id: 'm1' }) as RpcResponse<P>;
  }
}

class FakeChanges {
  following = true;
  listener?: (event: CatalogueEvent) => void;

  listen(listener: (event: CatalogueEvent) => void): void {
    this.listener = listener;
  }

  tell(event: CatalogueEvent): void {
    this.listener?.(event);
  }
}

function setup(ttlMs = 60_000) {
  const owners = new FakeOwners();
  const changes = new FakeChanges();
  const sut = new CatalogueCache(
    { generation: { catalogueCacheTtlMs: ttlMs } } as never,
    owners,
    changes,
  );
  sut.onApplicationBootstrap();
  return { sut, owners, changes };
}

describe('CatalogueCache', () => {
  it('asks for a user’s plan and a tier’s model once, then answers from memory', async () => {
    const { sut, owners } = setup();
    for (let i = 0; i < 3; i++) {
      expect(await sut.planOf('u1')).toEqual(PLAN);
      await sut.model(undefined, 'pro');
    }
    expect(owners.asked).toEqual(['payment.plans.forUser', 'model.models.resolve']);
  });

  it('forgets one user’s plan on their plan change, every model on a model change', async () => {
    const { sut, owners, changes } = setup();
    await Promise.all([sut.planOf('u1'), sut.planOf('u2'), sut.model('m1', 'pro')]);
    changes.tell({ kind: 'plan', userId: 'u1' });
    changes.tell({ kind: 'model' });
    owners.asked.length = 0;
    await Promise.all([sut.planOf('u1'), sut.planOf('u2'), sut.model('m1', 'pro')]);
    expect(owners.asked.sort()).toEqual(['model.models.resolve', 'payment.plans.forUser']);
  });

  it('forgets everything on a reset (the subscription was remade: changes may be lost)', async () => {
    const { sut, owners, changes } = setup();
    await Promise.all([sut.planOf('u1'), sut.model(undefined, 'pro')]);
    changes.tell({ kind: 'reset' });
    await Promise.all([sut.planOf('u1'), sut.model(undefined, 'pro')]);
    expect(owners.asked).toHaveLength(4);
  });

  it('keeps nothing while the changes are not followed', async () => {
    const { sut, owners, changes } = setup();
    changes.following = false;
    await sut.planOf('u1');
    await sut.planOf('u1');
    expect(owners.asked).toHaveLength(2);
  });

  it('does not keep an answer asked for before a change that arrived meanwhile', async () => {
    const { sut, owners, changes } = setup();
    let answer!: () => void;
    owners.hold = new Promise((resolve) => (answer = resolve));
    const first = sut.planOf('u1');
    changes.tell({ kind: 'plan', userId: 'u1' });
    answer();
    await first;
    owners.hold = undefined;
    await sut.planOf('u1');
    expect(owners.asked).toHaveLength(2);
  });

  it('keeps nothing with a lifetime of 0', async () => {
    const { sut, owners } = setup(0);
    await sut.planOf('u1');
    await sut.planOf('u1');
    expect(owners.asked).toHaveLength(2);
  });
});
