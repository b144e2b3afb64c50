import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { i18n } from '@/lib/i18n';
import { queryClient } from '@/lib/query-client';
import { session } from '@/lib/session';
import '@/lib/theme';

/** A signed-out browser keeps nothing of the last account in its cache. */
session.subscribe(() => {
  if (session.get().status === 'signedOut') queryClient.clear();
});

export function AppProvider({ children }: { children: ReactNode }) {
  return (
    <I18nextProvider i18n={i18n}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </I18nextProvider>
  );
}
