import { Injectable } from '@nestjs/common';
import { GenerationChannel } from '@pingvas/messaging';
import type { Tx } from '@pingvas/database';
import { GenerationMetrics } from '../generation-metrics';
import { type GenerationView, GenerationViews } from '../reads/generation-views';
import {
  type Finish,
  type GenerationRow,
  GenerationsRepository,
  type ImageRow,
} from '../store/generations.repository';
import { CreditSettlement } from './credit-settlement';

/** A final status someone may be following (a rejected generation was never shown to anyone). */
export type FinishAs = Finish & { status: 'succeeded' | 'failed' | 'canceled' };

export interface FinishSteps {
  /** Writes that commit with the final status; answers the images the final view shows. */
  alongside?: (row: GenerationRow, tx: Tx) => Promise<ImageRow[]>;
  /** Runs once the final status is committed, before the credits are settled. */
  afterCommit?: (row: GenerationRow) => Promise<void>;
  /**
   * `defer` (default): a settlement payment-service cannot take now is left to the sweeper.
   * `retry`: it rejects, once the event is out, so that the caller's job is tried again.
   */
  settle?: 'defer' | 'retry';
}

export interface Finished {
  row: GenerationRow;
  view: GenerationView;
}

/**
 * The one way a generation ends, whoever ends it (a user's cancel, a worker's report, the
 * sweeper): the final status is written by one conditional update (so only the first actor
 * wins), counted once committed, the credits owed are settled, and the final view goes out to
 * whoever follows the generation live.
 */
@Injectable()
export class GenerationFinisher {
  constructor(
    private readonly repo: GenerationsRepository,
    private readonly settlement: CreditSettlement,
    private readonly views: GenerationViews,
    private readonly channel: GenerationChannel,
    private readonly metrics: GenerationMetrics,
  ) {}

  /** The generation as it ended, or undefined when it had already ended (nothing was done). */
  async finish(id: string, f: FinishAs, steps: FinishSteps = {}): Promise<Finished | undefined> {
    const ended = await this.commit(id, f, steps.alongside);
    if (!ended) return undefined;
    await steps.afterCommit?.(ended.row);
    const unsettled =
      steps.settle === 'retry'
        ? await this.settlement.settle(id, ended.row).then(
            () => undefined,
            (err: unknown) => ({ err }),
          )
        : await this.settlement.trySettle(id, ended.row);
    const view = await this.views.view(ended.row, ended.images);
    void this.channel.publish({ generationId: id, type: f.status, data: { ...view } });
    if (unsettled) throw unsettled.err;
    return { row: ended.row, view };
  }

  /**
   * Ends a generation refused at submit, before its job was queued and its id answered: there
   * is nobody to tell. Credits it may hold are released (or left to the sweeper).
   */
  async refuse(id: string, f: Finish): Promise<void> {
    await this.commit(id, f);
    // Also when it had ended already: a reserve whose reply was lost may still hold credits.
    if (f.settlement) await this.settlement.trySettle(id);
  }

  private async commit(
    id: string,
    f: Finish,
    alongside?: FinishSteps['alongside'],
  ): Promise<{ row: GenerationRow; images?: ImageRow[] } | undefined> {
    const ended = alongside
      ? await this.repo.transaction(async (tx) => {
          const row = await this.repo.finish(id, f, tx);
          return row && { row, images: await alongside(row, tx) };
        })
      : await this.repo.finish(id, f).then((row) => row && { row });
    if (ended) this.metrics.finishedOne(ended.row.tier, ended.row.status);
    return ended;
  }
}
