import type { SessionState } from './session';

/**
 * The API client and the session together, with a scripted `fetch`: what happens when the
 * 15-minute access token lapses mid-use, and when the refresh cookie turns out to be reused.
 */
type Reply = { status: number; body?: unknown };
type Call = { method: string; path: string; auth: string | null };

function scriptedFetch(replies: Record<string, Reply[]>) {
  const calls: Call[] = [];
  const fetch = jest.fn(async (input: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    const method = init.method ?? 'GET';
    const path = input.split('?')[0];
    calls.push({ method, path, auth: headers.get('Authorization') });
    const reply = replies[`${method} ${path}`]?.shift();
    if (!reply) throw new Error(`unexpected ${method} ${path}`);
    return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
      status: reply.status,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  return { fetch, calls };
}

const user = { id: 'u1', email: 'a@example.com', displayName: null, role: 'user', createdAt: '' };
const session = (token: string) => ({
  status: 200,
  body: { user, accessToken: token, expiresIn: 900 },
});

async function load(replies: Record<string, Reply[]>) {
  const scripted = scriptedFetch(replies);
  Object.assign(globalThis, {
    fetch: scripted.fetch,
    window: { location: { origin: 'http://localhost' } },
    // Node has a BroadcastChannel too; an open one would keep Jest waiting. Tabs are not tested here.
    BroadcastChannel: undefined,
  });
  jest.resetModules(); // a fresh session module: no token, restoring
  const modules = { api: await import('./api-client'), session: await import('./session') };
  return { ...scripted, ...modules };
}

const original = { fetch: globalThis.fetch, BroadcastChannel: globalThis.BroadcastChannel };

describe('the API client with the in-memory session', () => {
  afterAll(() => Object.assign(globalThis, original));
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] }));
  afterEach(() => jest.useRealTimers());

  it('refreshes a lapsed access token once from the cookie and repeats the call with the new one', async () => {
    const {
      api,
      session: s,
      calls,
    } = await load({
      'POST /api/v1/auth/refresh': [session('first'), session('second')],
      'GET /api/v1/images': [
        { status: 401, body: { code: 'UNAUTHORIZED', message: 'expired' } },
        { status: 200, body: { items: [], nextCursor: null } },
      ],
    });
    await s.session.restore();
    await expect(api.api('/images')).resolves.toEqual({ items: [], nextCursor: null });
    expect(calls).toEqual([
      { method: 'POST', path: '/api/v1/auth/refresh', auth: null },
      { method: 'GET', path: '/api/v1/images', auth: 'Bearer first' },
      { method: 'POST', path: '/api/v1/auth/refresh', auth: null },
      { method: 'GET', path: '/api/v1/images', auth: 'Bearer second' },
    ]);
    expect(s.session.get()).toEqual({ status: 'signedIn', user });
  });

  it('signs the browser out, saying why, when the refresh token was reused', async () => {
    const { api, session: s } = await load({
      'POST /api/v1/auth/refresh': [
        session('first'),
        { status: 401, body: { code: 'REFRESH_REUSED', message: 'reused' } },
      ],
      'GET /api/v1/images': [{ status: 401, body: { code: 'UNAUTHORIZED', message: 'expired' } }],
    });
    await s.session.restore();
    await expect(api.api('/images')).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(s.session.get()).toEqual<SessionState>({ status: 'signedOut', reason: 'reused' });
  });

  it('reads an error body into its code and the fields a validation error names', async () => {
    const { api, session: s } = await load({
      'POST /api/v1/auth/refresh': [session('first')],
      'POST /api/v1/generations': [
        {
          status: 400,
          body: {
            code: 'VALIDATION_FAILED',
            message: 'bad',
            details: [{ field: 'prompt', problems: ['prompt must not be blank'] }],
          },
        },
      ],
    });
    await s.session.restore();
    const error = await api
      .api('/generations', { method: 'POST', body: { prompt: ' ' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(api.ApiError);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', fields: ['prompt'] });
  });
});
