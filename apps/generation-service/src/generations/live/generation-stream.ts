import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppError } from '@pingvas/common';
import {
  FINAL_STATUSES,
  type GenerationEvent,
  type GenerationEventType,
  type GenerationStatus,
} from '@pingvas/contracts';
import type { Response } from 'express';
import { GenerationChannel } from '@pingvas/messaging';
import type { GenerationServiceConfig } from '../../config';
import { type GenerationView, GenerationViews } from '../reads/generation-views';
import { GenerationsRepository } from '../store/generations.repository';

const HEARTBEAT_MS = 15_000;
const FINAL_EVENTS: ReadonlySet<GenerationEventType> = new Set(['succeeded', 'failed', 'canceled']);

/**
 * One SSE stream per request. It subscribes before it reads the database, so no event falls
 * between the two; the first events describe the state as stored (a late subscriber catches
 * up), live events follow, and the stream ends after the final one.
 */
@Injectable()
export class GenerationStream {
  constructor(
    @Inject(APP_CONFIG) private readonly config: GenerationServiceConfig,
    private readonly repo: GenerationsRepository,
    private readonly views: GenerationViews,
    private readonly channel: GenerationChannel,
  ) {}

  async open(userId: string, id: string, res: Response): Promise<void> {
    const row = await this.repo.findOwned(id, userId);
    if (!row) throw new AppError('NOT_FOUND', 'No such generation');

    const buffered: GenerationEvent[] = [];
    let deliver = (event: GenerationEvent): void => void buffered.push(event);
    const unfollow = await this.channel.follow(id, (event) => deliver(event));

    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();

    let eventId = 0;
    let ended = false;
    const timers: NodeJS.Timeout[] = [];
    const end = () => {
      if (ended) return;
      ended = true;
      unfollow();
      timers.forEach(clearTimeout);
      res.end();
    };
    const send = (type: GenerationEventType, data: unknown) => {
      if (ended) return;
      eventId += 1;
      res.write(`id: ${eventId}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
      if (FINAL_EVENTS.has(type)) end();
    };
    res.on('close', end);
    timers.push(setInterval(() => !ended && res.write(': keep-alive\n\n'), HEARTBEAT_MS));
    timers.push(setTimeout(end, this.config.generation.sseMaxMs));

    // The stored state, read after subscribing; then whatever arrived meanwhile, then live.
    const current = await this.views.view((await this.repo.find(id)) ?? row);
    for (const [type, data] of initialEvents(current)) send(type, data);
    let step = current.progress.step;
    let started = current.status !== 'queued';
    deliver = (event) => {
      if (event.type === 'queued') return; // the stored state said it already
      if (event.type === 'started') {
        if (started) return;
        started = true;
      }
      if (event.type === 'progress') {
        const next = Number(event.data.step);
        if (next <= step) return; // already told (the stored state was newer)
        step = next;
        if (!started) {
          // The worker's `started` went out before this stream subscribed.
          started = true;
          send('started', { id });
        }
      }
      send(event.type, { id, ...event.data });
    };
    for (const event of buffered.splice(0)) deliver(event);
  }
}

function initialEvents(view: GenerationView): [GenerationEventType, unknown][] {
  const status: GenerationStatus = view.status;
  if (status === 'queued') return [['queued', { id: view.id, queue: view.queue }]];
  if (status === 'running') {
    return [
      ['started', { id: view.id, startedAt: view.timings.startedAt, attempt: view.attempts }],
      ['progress', { id: view.id, ...view.progress }],
    ];
  }
  if (FINAL_STATUSES.includes(status)) {
    // A rejected generation never ran: for a stream it ended as failed.
    return [[status === 'rejected' ? 'failed' : (status as GenerationEventType), view]];
  }
  return [];
}
