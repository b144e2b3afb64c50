import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { followEventStream } from '@/lib/event-stream';
import { queryKeys } from '@/lib/query-keys';
import type { Generation, GenerationStatus } from '@/types/api';

export interface LiveGeneration {
  status: GenerationStatus;
  step: number;
  steps: number;
  /** The worker's low-resolution estimate of the image being formed (a data URL). */
  preview: string | null;
  error: { code: string; message: string } | null;
  result: Generation | null;
}

const FINAL = new Set(['succeeded', 'failed', 'canceled']);

/**
 * A final event carries the whole stored generation (it has a status) when the stream opened
 * after the end, or only the live outcome (its id, and an error when it failed).
 */
function isGeneration(data: Record<string, unknown>): data is Record<string, unknown> & Generation {
  return typeof data.status === 'string' && data.status !== '';
}

function readError(error: unknown): LiveGeneration['error'] {
  if (typeof error !== 'object' || error === null || !('code' in error) || !('message' in error)) {
    return null;
  }
  const { code, message } = error;
  return typeof code === 'string' && typeof message === 'string' ? { code, message } : null;
}

/** Follows one generation's SSE stream until it ends; `steps` counts every image's steps. */
export function useGenerationEvents(id: string | null, totalSteps: number): LiveGeneration | null {
  const client = useQueryClient();
  const [live, setLive] = useState<(LiveGeneration & { id: string }) | null>(null);

  useEffect(() => {
    if (!id) return;
    const controller = new AbortController();
    let current: LiveGeneration = {
      status: 'queued',
      step: 0,
      steps: totalSteps,
      preview: null,
      error: null,
      result: null,
    };
    const update = (patch: Partial<LiveGeneration>) => {
      current = { ...current, ...patch };
      setLive({ ...current, id });
    };
    void followEventStream(`/generations/${id}/events`, {
      signal: controller.signal,
      isFinal: (m) => FINAL.has(m.event),
      onError: (error) =>
        update({ status: 'failed', error: { code: 'STREAM', message: String(error) } }),
      onMessage: (message) => {
        const data = JSON.parse(message.data) as Record<string, unknown>;
        if (message.event === 'started') update({ status: 'running' });
        if (message.event === 'progress') {
          update({
            status: 'running',
            step: Number(data.step) || current.step,
            steps: Number(data.steps) || current.steps,
            ...(typeof data.preview === 'string' && data.preview.startsWith('data:image/')
              ? { preview: data.preview }
              : {}),
          });
        }
        if (FINAL.has(message.event)) {
          update({
            status: message.event as GenerationStatus,
            step: message.event === 'succeeded' ? current.steps : current.step,
            error: readError(data.error),
            result: isGeneration(data) ? data : null,
          });
          void client.invalidateQueries({ queryKey: queryKeys.generations });
          void client.invalidateQueries({ queryKey: queryKeys.balance });
          void client.invalidateQueries({ queryKey: queryKeys.images });
          void client.invalidateQueries({ queryKey: queryKeys.queue });
        }
      },
    });
    return () => controller.abort();
  }, [id, totalSteps, client]);

  if (!id) return null;
  if (live?.id === id) return live;
  return { status: 'queued', step: 0, steps: totalSteps, preview: null, error: null, result: null };
}
