import { WEB_CLIENT_HEADER, WEB_CLIENT_VALUE, API_BASE } from '@pingvas/contracts';
import type { User, WebSession } from '@/types/api';

/**
 * The signed-in state. The access token lives in this module only (never in storage a script
 * could read later); the refresh token is the HttpOnly cookie user-service sets for browser
 * clients, so a reload restores the session with one `POST /auth/refresh`.
 */
export type SessionState =
  | { status: 'restoring' }
  | { status: 'signedOut'; reason?: 'reused' | 'expired' }
  | { status: 'signedIn'; user: User };

const WEB = { [WEB_CLIENT_HEADER]: WEB_CLIENT_VALUE };
/** Refresh this long before the access token lapses. */
const EARLY_MS = 60_000;
/** Tries of a refresh that gets no answer (network, 429, 5xx) before it gives up. */
const RETRIES = 3;
const channel =
  typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('pingvas-auth');

let state: SessionState = { status: 'restoring' };
let accessToken: string | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
let inFlight: Promise<string | null> | null = null;
const listeners = new Set<() => void>();

function set(next: SessionState): void {
  state = next;
  listeners.forEach((listener) => listener());
}

function adopt(result: WebSession): void {
  accessToken = result.accessToken;
  clearTimeout(timer);
  const refreshIn = Math.max(5_000, result.expiresIn * 1000 - EARLY_MS);
  timer = setTimeout(() => void session.refresh(), refreshIn);
  set({ status: 'signedIn', user: result.user });
}

function drop(reason?: 'reused' | 'expired'): void {
  accessToken = null;
  clearTimeout(timer);
  set({ status: 'signedOut', reason });
}

async function post(path: string): Promise<Response> {
  return fetch(`${API_BASE}/auth/${path}`, {
    method: 'POST',
    headers: { ...WEB, Accept: 'application/json' },
    credentials: 'same-origin',
  });
}

/**
 * One refresh at a time, across tabs too (Web Locks): two tabs presenting the same cookie at
 * once would look like reuse of a rotated token, which closes the sign-in.
 */
async function refreshOnce(): Promise<string | null> {
  const run = async (): Promise<string | null> => {
    for (let attempt = 1; ; attempt += 1) {
      const res = await post('refresh').catch(() => null);
      if (res?.ok) {
        adopt((await res.json()) as WebSession);
        return accessToken;
      }
      if (res && (res.status === 401 || res.status === 403)) {
        const body = (await res.json().catch(() => null)) as { code?: string } | null;
        const reason =
          body?.code === 'REFRESH_REUSED'
            ? 'reused'
            : state.status === 'signedIn'
              ? 'expired'
              : undefined;
        drop(reason);
        channel?.postMessage('signed-out');
        return null;
      }
      // Rate limited, or the network or a service away: the cookie may well be good, so wait
      // (as long as Retry-After says, within reason) and try again before giving up.
      if (attempt >= RETRIES) break;
      const retryAfter = Number(res?.headers.get('Retry-After'));
      const waitMs =
        Number.isFinite(retryAfter) && retryAfter > 0
          ? Math.min(retryAfter, 30) * 1000
          : attempt * 1000;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
    // Still no answer: keep a session we have (a later call tries again), or show sign-in.
    if (state.status === 'restoring') drop();
    return null;
  };
  if (typeof navigator !== 'undefined' && navigator.locks) {
    return navigator.locks.request('pingvas-refresh', run);
  }
  return run();
}

export const session = {
  get(): SessionState {
    return state;
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** The access token, waiting for a restore or refresh under way. */
  async token(): Promise<string | undefined> {
    if (inFlight) await inFlight;
    return accessToken ?? undefined;
  },
  refresh(): Promise<string | null> {
    inFlight ??= refreshOnce().finally(() => {
      inFlight = null;
    });
    return inFlight;
  },
  /** At start: the cookie, if any, becomes a session (a reload keeps you signed in). */
  restore(): Promise<string | null> {
    return state.status === 'restoring' ? session.refresh() : Promise.resolve(accessToken);
  },
  signedIn(result: WebSession): void {
    adopt(result);
    channel?.postMessage('signed-in');
  },
  updateUser(user: User): void {
    if (state.status === 'signedIn') set({ status: 'signedIn', user });
  },
  async signOut(): Promise<void> {
    await post('logout').catch(() => undefined);
    drop();
    channel?.postMessage('signed-out');
  },
  /** Sign-in and sign-up send this header so the refresh token comes as the cookie. */
  webHeaders: WEB,
};

channel?.addEventListener('message', (event: MessageEvent) => {
  if (event.data === 'signed-out' && state.status === 'signedIn') drop();
  if (event.data === 'signed-in' && state.status !== 'signedIn') void session.refresh();
});
