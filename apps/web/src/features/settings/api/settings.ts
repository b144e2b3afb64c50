import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Locale, Me } from '@/types/api';

/** The language of our mail (the screen's own language is the switcher's, kept in the browser). */
export function useUpdateMailLocale() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (locale: Locale) => api<Me>('/users/me', { method: 'PATCH', body: { locale } }),
    onSuccess: () => void client.invalidateQueries({ queryKey: queryKeys.me }),
  });
}

/** The new address gets a link; the change applies once it is opened (pendingEmail till then). */
export function useChangeEmail() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; password: string }) =>
      api<{ pendingEmail: string }>('/users/me/email', { method: 'PATCH', body }),
    onSuccess: () => void client.invalidateQueries({ queryKey: queryKeys.me }),
  });
}

/** A zip of everything, built in the background and mailed as a link (429 while one is built). */
export function useRequestExport() {
  return useMutation({
    mutationFn: () => api<{ exportId: string }>('/users/me/export', { method: 'POST' }),
  });
}

/** Deletes the account: by its 202 the sign-in is closed and the refresh cookie cleared. */
export function useDeleteAccount() {
  return useMutation({
    mutationFn: (password: string) =>
      api<unknown>('/users/me', { method: 'DELETE', body: { password } }),
  });
}
