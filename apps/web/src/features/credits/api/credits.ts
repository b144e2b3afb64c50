import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
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

/** Cancel (at the period's end), resume, or change plan: each answers the subscription view. */
function useSubscriptionChange<T>(send: (arg: T) => Promise<Subscription>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: (subscription) => {
      client.setQueryData(queryKeys.subscription, subscription);
      void client.invalidateQueries({ queryKey: queryKeys.balance });
    },
  });
}

export function useCancelSubscription() {
  return useSubscriptionChange(() =>
    api<Subscription>('/billing/subscription/cancel', { method: 'POST' }),
  );
}

export function useResumeSubscription() {
  return useSubscriptionChange(() =>
    api<Subscription>('/billing/subscription/resume', { method: 'POST' }),
  );
}

/** Up or down to another paid plan; Lemon Squeezy prorates the charge. */
export function useChangePlan() {
  return useSubscriptionChange((plan: string) =>
    api<Subscription>('/billing/subscription', { method: 'PATCH', body: { plan } }),
  );
}

/** Lemon Squeezy's customer portal (cards, invoices): a signed link asked for when needed. */
export function useBillingPortal() {
  return useMutation({
    mutationFn: () => api<{ url: string }>('/billing/portal'),
    onSuccess: ({ url }) => {
      if (/^https?:\/\//.test(url)) window.location.assign(url);
    },
  });
}
