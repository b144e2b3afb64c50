import { useMutation, useQuery } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import type { Balance, Catalogue, Me, Model } from '@/types/api';
import { api } from './api-client';
import { queryKeys } from './query-keys';
import { session, type SessionState } from './session';

/**
 * What several screens show of the account (the header's balance, Generate's cost check,
 * Credits): shared here so features read the same cache without importing each other.
 */
export function useSession(): SessionState {
  return useSyncExternalStore(session.subscribe, session.get, session.get);
}

export function useCurrentUser() {
  const state = useSession();
  return state.status === 'signedIn' ? state.user : null;
}

/**
 * The profile as user-service has it now (verified or not, a pending email change), kept in the
 * session too: the session's copy comes from the last sign-in or refresh and may be older.
 */
export function useMe() {
  const signedIn = useSession().status === 'signedIn';
  return useQuery({
    queryKey: queryKeys.me,
    queryFn: async ({ signal }) => {
      const me = await api<Me>('/users/me', { signal });
      session.updateUser(me);
      return me;
    },
    enabled: signedIn,
  });
}

/** Mails a fresh verification link (the banner, the landing page, a 403 EMAIL_NOT_VERIFIED). */
export function useResendVerification() {
  return useMutation({
    mutationFn: () => api<unknown>('/auth/email/verify/resend', { method: 'POST' }),
  });
}

export function useBalance() {
  const signedIn = useSession().status === 'signedIn';
  return useQuery({
    queryKey: queryKeys.balance,
    queryFn: ({ signal }) => api<Balance>('/credits/balance', { signal }),
    enabled: signedIn,
  });
}

export function useCatalogue() {
  return useQuery({
    queryKey: queryKeys.catalogue,
    queryFn: ({ signal }) => api<Catalogue>('/plans', { signal, auth: false }),
    staleTime: 5 * 60_000,
  });
}

/** The models the caller may use (admins: all of them). */
export function useModels() {
  return useQuery({
    queryKey: queryKeys.models,
    queryFn: ({ signal }) => api<Model[]>('/models', { signal }),
    staleTime: 60_000,
  });
}
