import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Generation, Page, QueueInfo } from '@/types/api';

/** Polled while the screen is open: queue depths and your jobs move every second or two. */
const LIVE_MS = 2000;

export function useQueueInfo() {
  return useQuery({
    queryKey: queryKeys.queue,
    queryFn: ({ signal }) => api<QueueInfo>('/queue', { signal }),
    refetchInterval: LIVE_MS,
  });
}

/** Your jobs in flight: queued and running, oldest first (the order they will run). */
export function useJobsInFlight() {
  return useQuery({
    queryKey: [...queryKeys.generations, 'in-flight'],
    queryFn: async ({ signal }) => {
      const [queued, running] = await Promise.all(
        (['queued', 'running'] as const).map((status) =>
          api<Page<Generation>>('/generations', { signal, query: { status, limit: 50 } }),
        ),
      );
      const byAge = (a: Generation, b: Generation) => a.createdAt.localeCompare(b.createdAt);
      return { running: running.items.sort(byAge), queued: queued.items.sort(byAge) };
    },
    refetchInterval: LIVE_MS,
  });
}
