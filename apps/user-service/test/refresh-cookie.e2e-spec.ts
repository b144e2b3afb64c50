import { REFRESH_COOKIE, WEB_CLIENT_HEADER } from '@pingvas/contracts';
import { uniqueName } from '@pingvas/testing';
import request, { type Response } from 'supertest';
import {
  bootUserService,
  newAccount,
  type UserServiceUnderTest,
} from '../../../test/support/user-service';

/** The pingvas_refresh cookie a response sets, with its attributes; undefined when none. */
function refreshCookie(res: Response): { value: string; attributes: string[] } | undefined {
  const raw = res.get('Set-Cookie');
  const line = raw?.find((c) => c.startsWith(`${REFRESH_COOKIE.name}=`));
  if (!line) return undefined;
  const [pair, ...attributes] = line.split(';').map((p) => p.trim());
  return { value: decodeURIComponent(pair.slice(REFRESH_COOKIE.name.length + 1)), attributes };
}

const asCookie = (value: string) => `${REFRESH_COOKIE.name}=${encodeURIComponent(value)}`;
const WEB = { [WEB_CLIENT_HEADER]: 'web' };

describe('user-service: the refresh-token cookie of browser clients', () => {
  let svc: UserServiceUnderTest;
  const http = () => request(svc.url);

  beforeAll(async () => {
    svc = await bootUserService(uniqueName('t'), { AUTH_RATE_LIMIT_PER_MINUTE: '10000' });
  });

  afterAll(async () => {
    await svc?.stop();
  });

  /** Signs up as the web app does; answers the cookie's token. */
  async function webSignup(): Promise<string> {
    const res = await http().post('/api/v1/auth/signup').set(WEB).send(newAccount()).expect(201);
    return refreshCookie(res)!.value;
  }

  it('login sets an HttpOnly, Secure, SameSite=Strict cookie on the auth path and keeps the token out of the body', async () => {
    const account = newAccount();
    await http().post('/api/v1/auth/signup').send(account).expect(201);
    const res = await http()
      .post('/api/v1/auth/login')
      .set(WEB)
      .send({ email: account.email, password: account.password })
      .expect(200);
    const cookie = refreshCookie(res);
    expect(cookie?.value).toMatch(/^[\w-]{20,}$/);
    expect(cookie!.attributes).toEqual(
      expect.arrayContaining([
        'HttpOnly',
        'Secure',
        'SameSite=Strict',
        `Path=${REFRESH_COOKIE.path}`,
        `Max-Age=${30 * 86_400}`,
      ]),
    );
    expect(res.body).toEqual({
      user: expect.objectContaining({ email: account.email }),
      accessToken: expect.any(String),
      expiresIn: 900,
    });
    expect(JSON.stringify(res.body)).not.toContain(cookie!.value);
  });

  it('sign-up of a browser client sets the cookie too', async () => {
    const res = await http().post('/api/v1/auth/signup').set(WEB).send(newAccount()).expect(201);
    expect(refreshCookie(res)?.attributes).toContain('HttpOnly');
    expect(res.body.refreshToken).toBeUndefined();
    expect(res.body.accessToken).toEqual(expect.any(String));
  });

  it('API clients keep the JSON contract: the token in the body, no cookie', async () => {
    const res = await http().post('/api/v1/auth/signup').send(newAccount()).expect(201);
    expect(refreshCookie(res)).toBeUndefined();
    expect(res.body.refreshToken).toEqual(expect.any(String));
    const next = await http()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: res.body.refreshToken })
      .expect(200);
    expect(refreshCookie(next)).toBeUndefined();
    expect(next.body.refreshToken).toEqual(expect.any(String));
  });

  it('refresh takes the cookie when no body token is sent, and rotates it', async () => {
    const first = await webSignup();
    const res = await http()
      .post('/api/v1/auth/refresh')
      .set(WEB)
      .set('Cookie', asCookie(first))
      .expect(200);
    const second = refreshCookie(res);
    expect(second?.value).toEqual(expect.any(String));
    expect(second!.value).not.toBe(first);
    expect(second!.attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict']));
    expect(res.body.accessToken).toEqual(expect.any(String));
    expect(res.body.refreshToken).toBeUndefined();
    // And the rotated cookie opens the next refresh, sent as JSON `{}` this time.
    await http()
      .post('/api/v1/auth/refresh')
      .set(WEB)
      .set('Cookie', asCookie(second!.value))
      .send({})
      .expect(200);
  });

  /** One refresh with the cookie `token`; the response. */
  const refreshWith = (token: string) =>
    http().post('/api/v1/auth/refresh').set(WEB).set('Cookie', asCookie(token));

  it('a cookie replayed after its successor was used answers REFRESH_REUSED, clears the cookie and closes the sign-in', async () => {
    const first = await webSignup();
    const second = refreshCookie(await refreshWith(first).expect(200))!.value;
    const third = refreshCookie(await refreshWith(second).expect(200))!.value;
    const reuse = await refreshWith(first).expect(401);
    expect(reuse.body.code).toBe('REFRESH_REUSED');
    const cleared = refreshCookie(reuse);
    expect(cleared?.value).toBe('');
    expect(cleared!.attributes).toContain('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
    expect(cleared!.attributes).toContain(`Path=${REFRESH_COOKIE.path}`);
    const after = await refreshWith(third).expect(401);
    expect(after.body.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('forgives a replay seconds after a rotation whose answer never arrived: the lost successor dies, the sign-in stays', async () => {
    const first = await webSignup();
    const lost = refreshCookie(await refreshWith(first).expect(200))!.value; // a reload cut it off
    const retried = await refreshWith(first).expect(200);
    const kept = refreshCookie(retried)!.value;
    expect(kept).not.toBe(lost);
    expect(retried.body.accessToken).toEqual(expect.any(String));
    expect((await refreshWith(lost).expect(401)).body.code).toBe('INVALID_REFRESH_TOKEN');
    const next = refreshCookie(await refreshWith(kept).expect(200))!.value;
    // Once the successor was used, the old token is a theft again: the whole sign-in closes.
    expect((await refreshWith(first).expect(401)).body.code).toBe('REFRESH_REUSED');
    expect((await refreshWith(next).expect(401)).body.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('no longer forgives the replay once the grace has passed', async () => {
    const strict = await bootUserService(uniqueName('t'), {
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      REFRESH_REUSE_GRACE_SECONDS: '1',
    });
    try {
      const signup = await request(strict.url)
        .post('/api/v1/auth/signup')
        .set(WEB)
        .send(newAccount())
        .expect(201);
      const first = refreshCookie(signup)!.value;
      const refresh = (token: string) =>
        request(strict.url).post('/api/v1/auth/refresh').set(WEB).set('Cookie', asCookie(token));
      await refresh(first).expect(200);
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect((await refresh(first).expect(401)).body.code).toBe('REFRESH_REUSED');
    } finally {
      await strict.stop();
    }
  });

  it('refuses the cookie without the browser header (CSRF) and changes nothing', async () => {
    const token = await webSignup();
    const res = await http()
      .post('/api/v1/auth/refresh')
      .set('Cookie', asCookie(token))
      .expect(403);
    expect(res.body.code).toBe('FORBIDDEN');
    expect(refreshCookie(res)).toBeUndefined();
    await http().post('/api/v1/auth/refresh').set(WEB).set('Cookie', asCookie(token)).expect(200);
  });

  it('a browser client without a cookie is 401 INVALID_REFRESH_TOKEN; an API client without a token is 400', async () => {
    const browser = await http().post('/api/v1/auth/refresh').set(WEB).expect(401);
    expect(browser.body.code).toBe('INVALID_REFRESH_TOKEN');
    const api = await http().post('/api/v1/auth/refresh').send({}).expect(400);
    expect(api.body.code).toBe('VALIDATION_FAILED');
  });

  it('an unknown cookie is 401 INVALID_REFRESH_TOKEN and is cleared', async () => {
    const res = await http()
      .post('/api/v1/auth/refresh')
      .set(WEB)
      .set('Cookie', asCookie('made-up'))
      .expect(401);
    expect(res.body.code).toBe('INVALID_REFRESH_TOKEN');
    expect(refreshCookie(res)?.value).toBe('');
  });

  it('logout closes the sign-in of the cookie and clears it', async () => {
    const token = await webSignup();
    const res = await http()
      .post('/api/v1/auth/logout')
      .set(WEB)
      .set('Cookie', asCookie(token))
      .expect(204);
    expect(refreshCookie(res)?.value).toBe('');
    const after = await http()
      .post('/api/v1/auth/refresh')
      .set(WEB)
      .set('Cookie', asCookie(token))
      .expect(401);
    expect(after.body.code).toBe('INVALID_REFRESH_TOKEN');
    // Signed out already: logging out again is no error.
    await http().post('/api/v1/auth/logout').set(WEB).expect(204);
  });

  it('a body token wins over the cookie (an API client that also holds a cookie)', async () => {
    const cookie = await webSignup();
    const api = await http().post('/api/v1/auth/signup').send(newAccount()).expect(201);
    const res = await http()
      .post('/api/v1/auth/refresh')
      .set('Cookie', asCookie(cookie))
      .send({ refreshToken: api.body.refreshToken })
      .expect(200);
    expect(res.body.user.id).toBe(api.body.user.id);
    // The cookie's sign-in was not touched.
    await http().post('/api/v1/auth/refresh').set(WEB).set('Cookie', asCookie(cookie)).expect(200);
  });
});
