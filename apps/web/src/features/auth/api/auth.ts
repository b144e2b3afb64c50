import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { currentLanguage } from '@/lib/i18n';
import { queryKeys } from '@/lib/query-keys';
import { session } from '@/lib/session';
import type { Locale, WebSession } from '@/types/api';

export interface Credentials {
  email: string;
  password: string;
}

/** Sign-up and sign-in as a browser client: the refresh token comes back as the cookie. */
function authCall(path: 'signup' | 'login') {
  return (body: Credentials & { displayName?: string; locale?: Locale }) =>
    api<WebSession>(`/auth/${path}`, {
      method: 'POST',
      body,
      auth: false,
      headers: session.webHeaders,
    });
}

export function useSignIn() {
  return useMutation({ mutationFn: authCall('login'), onSuccess: (s) => session.signedIn(s) });
}

/** Our mail (the verification link first) goes out in the language the visitor signs up in. */
export function useSignUp() {
  const signUp = authCall('signup');
  return useMutation({
    mutationFn: (body: Credentials & { displayName?: string }) =>
      signUp({ ...body, locale: currentLanguage() }),
    onSuccess: (s) => session.signedIn(s),
  });
}

/**
 * The mailed link's token, spent once: a query (not a mutation in an effect) so the landing
 * page's double mount under StrictMode, or a re-render, sends it one time only.
 */
export function useVerifyEmail(token: string, ready: boolean) {
  const client = useQueryClient();
  return useQuery({
    queryKey: ['verify-email', token],
    queryFn: async () => {
      const result = await api<{ emailVerified: true; email: string }>('/auth/email/verify', {
        method: 'POST',
        body: { token },
        auth: false,
      });
      await client.invalidateQueries({ queryKey: queryKeys.me });
      return result;
    },
    // After the session's restore: signing out clears the cache, which would send it again.
    enabled: ready && token !== '',
    retry: false,
    staleTime: Infinity,
    gcTime: Infinity,
  });
}

/** Always 202, whether or not the address has an account: the screen says the same either way. */
export function useForgotPassword() {
  return useMutation({
    mutationFn: (email: string) =>
      api<unknown>('/auth/password/forgot', { method: 'POST', body: { email }, auth: false }),
  });
}

export function useResetPassword() {
  return useMutation({
    mutationFn: (body: { token: string; password: string }) =>
      api<void>('/auth/password/reset', { method: 'POST', body, auth: false }),
  });
}
