import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { QUEUE_JOB_NAMES, type QueueName } from '@pingvas/contracts';
import { JOB_CONSUMER, jobHandlersOf, QueueConsumer } from './on-job';

/**
 * Checks every `@OnJob` handler at boot. Refuses to start (throws from module init) on a
 * handler outside a consumer of its queue, on a job name with two handlers, and on a consumed
 * queue with a job name nobody handles: such a job would otherwise fail only at run time, long
 * after a deploy.
 */
@Injectable()
export class JobHandlers implements OnModuleInit {
  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    // A provider under two tokens (useExisting) is one instance, checked once.
    const instances = new Set(
      this.discovery
        .getProviders()
        .map((wrapper) => wrapper.instance as unknown)
        .filter((instance): instance is object => !!instance && typeof instance === 'object'),
    );
    const problems = checkJobHandlers([...instances]);
    if (problems.length > 0) throw new Error(`job handlers: ${problems.join('; ')}`);
  }
}

/** What is wrong with the handlers of these provider instances (empty: nothing). */
export function checkJobHandlers(instances: object[]): string[] {
  const seen = new Map<string, string>();
  const consumed = new Set<QueueName>();
  const problems: string[] = [];
  for (const instance of instances) {
    const queue = Reflect.getMetadata(JOB_CONSUMER, instance.constructor) as QueueName | undefined;
    if (queue) consumed.add(queue);
    for (const [key, meta] of jobHandlersOf(Object.getPrototypeOf(instance) as object)) {
      const where = `${instance.constructor.name}.${key}`;
      const id = `${meta.queue}/${meta.name}`;
      if (meta.queue !== queue || !(instance instanceof QueueConsumer)) {
        problems.push(`${where} handles ${id} but is not a @JobConsumer of ${meta.queue}`);
      } else if (seen.has(id)) {
        problems.push(`${id} has two handlers: ${seen.get(id)} and ${where}`);
      } else {
        seen.set(id, where);
      }
    }
  }
  for (const queue of consumed) {
    for (const name of QUEUE_JOB_NAMES[queue]) {
      if (!seen.has(`${queue}/${name}`)) problems.push(`${queue}/${name} has no handler`);
    }
  }
  return problems;
}
