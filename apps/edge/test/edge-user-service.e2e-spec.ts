import { REFRESH_COOKIE, WEB_CLIENT_HEADER } from '@pingvas/contracts';
import { sparePort, uniqueName } from '@pingvas/testing';
import request, { type Response } from 'supertest';
import { type RunningEdge, startBuiltEdge } from './edge-process';
import {
  bootUserService,
  newAccount,
  type UserServiceUnderTest,
} from '../../../test/support/user-service';

/** The Set-Cookie lines of a response (none: an empty list). */
const setCookies = (res: Response): string[] => res.get('Set-Cookie') ?? [];

/** The edge in front of a real user-service; the other four services are not running. */
describe('the edge with user-service behind it', () => {
  let svc: UserServiceUnderTest;
  let edge: RunningEdge;
  const http = () => request(edge.url);
  const WEB = { [WEB_CLIENT_HEADER]: 'web' };

  beforeAll(async () => {
    svc = await bootUserService(uniqueName('t'), { AUTH_RATE_LIMIT_PER_MINUTE: '10000' });
    const nowhere = `http://127.0.0.1:${await sparePort()}`;
    edge = await startBuiltEdge({
      USER_SERVICE_URL: svc.url,
      PAYMENT_SERVICE_URL: nowhere,
      GENERATION_SERVICE_URL: nowhere,
      GALLERY_SERVICE_URL: nowhere,
      MODEL_SERVICE_URL: nowhere,
      WEB_DIST: '/nonexistent/pingvas-web-dist',
    });
  });

  afterAll(async () => {
    await edge?.stop();
    await svc?.stop();
  });

  it('signs a browser in, refreshes by cookie and signs out, all on the one origin', async () => {
    const login = await http().post('/api/v1/auth/signup').set(WEB).send(newAccount()).expect(201);
    const setCookie = setCookies(login).find((c) => c.startsWith(`${REFRESH_COOKIE.name}=`))!;
    expect(setCookie).toMatch(/Path=\/api\/v1\/auth; .*HttpOnly; Secure; SameSite=Strict/);
    const cookie = setCookie.split(';')[0];
    await http()
      .get('/api/v1/users/me')
      .auth(login.body.accessToken, { type: 'bearer' })
      .expect(200);
    const refreshed = await http()
      .post('/api/v1/auth/refresh')
      .set(WEB)
      .set('Cookie', cookie)
      .expect(200);
    expect(refreshed.body.accessToken).toEqual(expect.any(String));
    const rotated = setCookies(refreshed)[0].split(';')[0];
    expect(rotated).not.toBe(cookie);
    const logout = await http()
      .post('/api/v1/auth/logout')
      .set(WEB)
      .set('Cookie', rotated)
      .expect(204);
    expect(setCookies(logout)[0]).toMatch(/Expires=Thu, 01 Jan 1970/);
  });

  it('answers for a service that is down with 503 UPSTREAM_UNAVAILABLE naming it', async () => {
    const res = await http().get('/api/v1/credits/balance').expect(503);
    expect(res.body).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      message: expect.stringContaining('payment-service'),
    });
  });

  it('is not ready while services are down, and names them', async () => {
    const res = await http().get('/ready').expect(503);
    expect(res.body.code).toBe('NOT_READY');
    expect(res.body.message).toContain('payment-service');
    expect(res.body.message).not.toContain('user-service');
  });

  it('documents the services that answer and names the ones that do not', async () => {
    const { body } = await http().get('/api/docs/openapi.json').expect(200);
    expect(body.paths['/api/v1/auth/login'].post.tags).toEqual(['user-service: auth']);
    expect(body.paths['/api/v1/users/me'].get.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(body.paths).every((p) => p.startsWith('/api/v1/'))).toBe(true);
    expect(body.info.description).toMatch(/payment-service \(ECONNREFUSED\)/);
  });

  it('says how to build the web app when apps/web/dist is missing', async () => {
    const res = await http().get('/').expect(503);
    expect(res.text).toContain('npm run build:web');
  });
});
