import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Tier } from '@pingvas/contracts';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Balance, Model, ModelDefaults, QueueInfo } from '@/types/api';

export interface ModelRegistration {
  name: string;
  path: string;
  family: string;
  defaults: ModelDefaults;
  limits: { minSide: number; maxSide: number; maxSteps: number };
  cost: { perImage: number; perStep: number };
  minTier: Tier;
}

function useModelMutation<V>(fn: (vars: V) => Promise<Model>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => void client.invalidateQueries({ queryKey: queryKeys.models }),
  });
}

export const useRegisterModel = () =>
  useModelMutation((body: ModelRegistration) => api<Model>('/models', { method: 'POST', body }));

export const useUpdateModel = () =>
  useModelMutation(
    ({ id, patch }: { id: string; patch: { enabled?: boolean; isDefault?: true } }) =>
      api<Model>(`/models/${id}`, { method: 'PATCH', body: patch }),
  );

/** A grant is sent once per form submission key: a retried request never grants twice. */
export function useGrantCredits() {
  return useMutation({
    mutationFn: ({
      key,
      ...body
    }: {
      key: string;
      userId: string;
      amount: number;
      reason: string;
    }) =>
      api<Balance & { applied: boolean }>('/admin/credits/grants', {
        method: 'POST',
        body,
        headers: { 'Idempotency-Key': key },
      }),
  });
}

export function useQueueOverview() {
  return useQuery({
    queryKey: [...queryKeys.queue, 'admin'],
    queryFn: ({ signal }) => api<QueueInfo>('/queue', { signal }),
    refetchInterval: 2000,
  });
}
