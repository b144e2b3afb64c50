import { uniqueName } from '@pingvas/testing';
import request from 'supertest';
import { bootUserService, type UserServiceUnderTest } from '../../../test/support/user-service';

/** CORS lives in libs/common's createHttpApp, so one service's answers stand for all five. */
describe('CORS on the services (CORS_ORIGINS)', () => {
  const allowed = 'https://partner.example';
  let open: UserServiceUnderTest;
  let closed: UserServiceUnderTest;

  beforeAll(async () => {
    [open, closed] = await Promise.all([
      bootUserService(uniqueName('t'), { CORS_ORIGINS: `${allowed},http://localhost:3000` }),
      bootUserService(uniqueName('t')),
    ]);
  });

  afterAll(async () => {
    await Promise.all([open?.stop(), closed?.stop()]);
  });

  const preflight = (url: string, origin: string) =>
    request(url)
      .options('/api/v1/users/me')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');

  it('answers a listed origin’s preflight with that origin, bearer auth allowed, no credentials', async () => {
    const res = await preflight(open.url, allowed);
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(allowed);
    expect(res.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(res.headers['access-control-allow-methods']).toMatch(/PATCH/);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('lets a listed origin read an answer and its request id', async () => {
    const res = await request(open.url).get('/api/v1/users/me').set('Origin', allowed).expect(401);
    expect(res.headers['access-control-allow-origin']).toBe(allowed);
    expect(res.headers['access-control-expose-headers']).toMatch(/X-Request-Id/);
  });

  it('gives an origin that is not listed no CORS header', async () => {
    const res = await preflight(open.url, 'https://evil.example');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const get = await request(open.url)
      .get('/api/v1/users/me')
      .set('Origin', 'https://evil.example');
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('does not allow the browser-client header, so the refresh cookie stays same-origin', async () => {
    const res = await request(open.url)
      .options('/api/v1/auth/refresh')
      .set('Origin', allowed)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'x-pingvas-client');
    expect(res.headers['access-control-allow-headers']).not.toMatch(/x-pingvas-client/i);
  });

  it('allows no origin at all by default', async () => {
    const res = await preflight(closed.url, allowed);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const get = await request(closed.url).get('/api/v1/users/me').set('Origin', allowed);
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });
});
