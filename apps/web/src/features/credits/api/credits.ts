import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { LedgerEntry, Page, Subscription } from '@/types/api';

export function useLedger() {
  return useInfiniteQuery({
    queryKey: queryKeys.ledger,
    queryFn: ({ pageParam, signal }) =>
      api<Page<LedgerEntry>>('/credits/ledger', {
        signal,
        query: { limit: 20, cursor: pageParam },
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useSubscription() {
  return useQuery({
    queryKey: queryKeys.subscription,
    queryFn: ({ signal }) => api<Subscription>('/billing/subscription', { signal }),
  });
}

/** A Lemon Squeezy checkout for a plan or a pack; the browser goes there to pay. */
export function useCheckout() {
  return useMutation({
    mutationFn: (item: { planId: string } | { packId: string }) =>
      api<{ url: string }>('/billing/checkout', { method: 'POST', body: item }),
    onSuccess: ({ url }) => {
      if (/^https?:\/\//.test(url)) window.location.assign(url);
    },
  });
}
