import { request } from 'node:http';

export interface SseEvent {
  id?: string;
  event: string;
  data: Record<string, unknown>;
}

export interface SseStream {
  /** Every event so far, in order. */
  events: SseEvent[];
  /** The HTTP status of the answer. */
  status: Promise<number>;
  /** Resolves with the first event of `type` (one already seen counts). */
  until(type: string, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves with every event once the server ends the stream. */
  ended: Promise<SseEvent[]>;
  close(): void;
}

/** A Server-Sent Events client over node:http, parsing `event:`/`data:` blocks as they come. */
export function readEvents(baseUrl: string, path: string, token: string): SseStream {
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  let resolveStatus!: (status: number) => void;
  const status = new Promise<number>((resolve) => (resolveStatus = resolve));
  let resolveEnded!: (events: SseEvent[]) => void;
  let rejectEnded!: (err: Error) => void;
  const ended = new Promise<SseEvent[]>((resolve, reject) => {
    resolveEnded = resolve;
    rejectEnded = reject;
  });
  ended.catch(() => undefined);

  const req = request(new URL(path, baseUrl), {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    agent: false,
  });
  req.on('response', (res) => {
    resolveStatus(res.statusCode ?? 0);
    res.setEncoding('utf8');
    let buffer = '';
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: SseEvent = { event: 'message', data: {} };
        let data = '';
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = line.slice(0, colon);
          const value = line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event.event = value;
          else if (field === 'id') event.id = value;
          else if (field === 'data') data += value;
        }
        if (!data) continue;
        event.data = JSON.parse(data) as Record<string, unknown>;
        events.push(event);
        for (const waiter of waiters) waiter();
      }
    });
    res.on('end', () => resolveEnded(events));
    res.on('error', (err) => rejectEnded(err));
  });
  req.on('error', (err) => {
    resolveStatus(0);
    rejectEnded(err);
  });
  req.end();

  return {
    events,
    status,
    ended,
    until(type, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find((e) => e.event === type);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `no "${type}" event within ${timeoutMs} ms; saw ${events.map((e) => e.event).join(', ') || 'none'}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => req.destroy(),
  };
}
