import { authorizedFetch, toApiError } from './api-client';
import { createSseParser, type SseMessage } from './sse-parser';

export interface EventStreamOptions {
  signal: AbortSignal;
  onMessage: (message: SseMessage) => void;
  /** Whether the stream is over after this message (no reconnect). */
  isFinal: (message: SseMessage) => boolean;
  onError?: (error: unknown) => void;
}

const RECONNECT_MS = 1000;

/**
 * Follows an SSE route with `fetch`, since EventSource cannot send the Authorization header.
 * A dropped connection is opened again (the server starts each stream with the stored state),
 * until a final event arrives, the caller aborts, or the server answers an error.
 */
export async function followEventStream(path: string, options: EventStreamOptions): Promise<void> {
  let finished = false;
  while (!finished && !options.signal.aborted) {
    try {
      const res = await authorizedFetch(path, {
        signal: options.signal,
        headers: { Accept: 'text/event-stream' },
      });
      if (!res.ok || !res.body) throw await toApiError(res);
      const parser = createSseParser((message) => {
        options.onMessage(message);
        if (options.isFinal(message)) finished = true;
      });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.push(value);
        if (finished) {
          await reader.cancel();
          break;
        }
      }
    } catch (err) {
      if (options.signal.aborted) return;
      if (err instanceof Error && err.name === 'ApiError') {
        options.onError?.(err);
        return;
      }
    }
    if (!finished && !options.signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
    }
  }
}
