import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { GalleryImage, Generation, Page } from '@/types/api';

export interface GenerationRequest {
  prompt: string;
  negativePrompt?: string;
  modelId?: string;
  width: number;
  height: number;
  steps: number;
  guidanceScale: number;
  seed?: number;
  count: number;
}

export interface SubmitAnswer {
  id: string;
  status: Generation['status'];
  cost: number;
  queue: string;
  position: number | null;
}

/**
 * One submit, one Idempotency-Key: a retried request (a flaky network) is charged once. A new
 * click is a new key, so the same prompt can be run again on purpose.
 */
export function useSubmitGeneration() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: GenerationRequest) =>
      api<SubmitAnswer>('/generations', {
        method: 'POST',
        body,
        headers: { 'Idempotency-Key': crypto.randomUUID() },
      }),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: queryKeys.balance });
      void client.invalidateQueries({ queryKey: queryKeys.generations });
      void client.invalidateQueries({ queryKey: queryKeys.queue });
    },
  });
}

export function useCancelGeneration() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<Generation>(`/generations/${id}/cancel`, { method: 'POST' }),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: queryKeys.balance });
      void client.invalidateQueries({ queryKey: queryKeys.generations });
    },
  });
}

export function useRecentGenerations() {
  return useQuery({
    queryKey: [...queryKeys.generations, 'recent'],
    queryFn: ({ signal }) => api<Page<Generation>>('/generations', { signal, query: { limit: 6 } }),
  });
}

/**
 * A finished generation's image as the gallery serves it. The gallery takes it from a durable
 * queue a moment after the job ends, so a 404 right then is retried for a few seconds.
 */
export function useResultImage(id: string) {
  return useQuery({
    queryKey: queryKeys.image(id),
    queryFn: ({ signal }) => api<GalleryImage>(`/images/${id}`, { signal }),
    retry: (count, error) => error instanceof ApiError && error.status === 404 && count < 20,
    retryDelay: 400,
    staleTime: 5 * 60_000,
  });
}
