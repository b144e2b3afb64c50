import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import {
  type GenerationFinishedMessage,
  GenerationResultNames,
  type GenerationStartedMessage,
  generationFinishedJobId,
  generationStartedJobId,
  QueueNames,
} from '@pingvas/contracts';
import { addJob } from '@pingvas/messaging';
import type { Queue } from 'bullmq';

/** Reports are retried until generation-service takes them; kept a day so a repeat is dropped. */
const REPORT_OPTIONS = {
  attempts: 25,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * What the worker tells generation-service, on the durable `generation-results` queue: one
 * `generation.started` per attempt and one `generation.finished` per generation (a retried
 * run's second one has the same job id, so BullMQ drops it).
 */
@Injectable()
export class GenerationReports {
  constructor(@InjectQueue(QueueNames.generationResults) private readonly results: Queue) {}

  async started(message: GenerationStartedMessage): Promise<void> {
    await addJob(this.results, {
      queue: QueueNames.generationResults,
      name: GenerationResultNames.started,
      data: message,
      opts: {
        ...REPORT_OPTIONS,
        jobId: generationStartedJobId(message.generationId, message.attempt),
      },
    });
  }

  async finished(message: GenerationFinishedMessage): Promise<void> {
    await addJob(this.results, {
      queue: QueueNames.generationResults,
      name: GenerationResultNames.finished,
      data: message,
      opts: { ...REPORT_OPTIONS, jobId: generationFinishedJobId(message.generationId) },
    });
  }

  /** After the last job has ended (the dispatcher drains first). */
  close(): Promise<void> {
    return this.results.close();
  }
}
