import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '@pingvas/common';
import { RpcPatterns } from '@pingvas/contracts';
import { RpcClient } from '@pingvas/messaging';
import { type GenerationRow, GenerationsRepository } from '../store/generations.repository';

/**
 * Settles the credits held under a generation's id with what the row says is owed. Capture and
 * release are idempotent at payment-service, and the row records when one landed, so a call
 * that failed is simply made again (by the results job's retries or by the sweeper).
 */
@Injectable()
export class CreditSettlement {
  private readonly logger = new Logger(CreditSettlement.name);

  constructor(
    private readonly repo: GenerationsRepository,
    private readonly rpc: RpcClient,
  ) {}

  /**
   * Rejects while payment-service cannot be reached; resolves once the row is settled. `ended`
   * is the row as its final update returned it (saves reading it again); settling twice is
   * harmless, so a row settled meanwhile by the sweeper only costs an idempotent call.
   */
  async settle(generationId: string, ended?: GenerationRow): Promise<void> {
    const row = ended ?? (await this.repo.find(generationId));
    if (!row?.settlement || row.settledAt) return;
    const pattern =
      row.settlement === 'capture'
        ? RpcPatterns.payment.creditsCapture
        : RpcPatterns.payment.creditsRelease;
    let outcome: string;
    try {
      outcome = (await this.rpc.send(pattern, { reservationId: generationId })).status;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'NOT_FOUND') {
        // The reserve never landed (it failed or timed out before payment-service saw it).
        outcome = 'none';
      } else if (err.code === 'ALREADY_SETTLED') {
        // The hold expired before the job finished: nothing was charged (logged, not hidden).
        outcome = String((err.details as { status?: string } | undefined)?.status ?? 'conflict');
        this.logger.warn(
          { generationId, wanted: row.settlement, found: outcome },
          'credits were already settled another way',
        );
      } else {
        throw err;
      }
    }
    await this.repo.markSettled(generationId, outcome);
  }

  /** Settles now if payment-service answers; otherwise leaves it to the sweeper. */
  async trySettle(generationId: string, ended?: GenerationRow): Promise<void> {
    await this.settle(generationId, ended).catch((err: unknown) =>
      this.logger.warn({ generationId, err: String(err) }, 'settlement deferred'),
    );
  }
}
