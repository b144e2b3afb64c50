import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { session } from '@/lib/session';
import type { WebSession } from '@/types/api';

export interface Credentials {
  email: string;
  password: string;
}

/** Sign-up and sign-in as a browser client: the refresh token comes back as the cookie. */
function authCall(path: 'signup' | 'login') {
  return (body: Credentials & { displayName?: string }) =>
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

export function useSignUp() {
  return useMutation({ mutationFn: authCall('signup'), onSuccess: (s) => session.signedIn(s) });
}
