import { WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { isNotConnectionError, Queue, type Worker } from 'bullmq';

/**
 * Gives every BullMQ queue and worker of the process an 'error' listener. Without one BullMQ
 * prints each error with console.error as "Unhandled error" (past the JSON log), e.g. every
 * reconnect attempt while Redis is away, or "Missing key for job" after Redis lost its data.
 * Connection errors are expected then (`/ready` says so) and go to debug; others to warn.
 */
@Injectable()
export class QueueErrorLog implements OnApplicationBootstrap {
  private readonly logger = new Logger('BullMQ');

  constructor(private readonly discovery: DiscoveryService) {}

  onApplicationBootstrap(): void {
    for (const { instance } of this.discovery.getProviders()) {
      if (instance instanceof Queue) this.listen(instance, `queue ${instance.name}`);
      // Workers exist from onModuleInit (BullRegistrar), so here they do.
      if (instance instanceof WorkerHost)
        this.listen(instance.worker, `worker ${instance.worker.name}`);
    }
  }

  private listen(emitter: Queue | Worker, what: string): void {
    if (emitter.listenerCount('error') > 0) return;
    // Both are EventEmitters; their typed on() overloads do not unite.
    (emitter as NodeJS.EventEmitter).on('error', (err: Error) => {
      if (isNotConnectionError(err)) this.logger.warn(`${what}: ${err.message}`);
      else this.logger.debug(`${what}: ${err.message}`);
    });
  }
}
