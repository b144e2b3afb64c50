import { uniqueName } from '@pingvas/testing';
import request from 'supertest';
import {
  bootUserService,
  newAccount,
  type UserServiceUnderTest,
} from '../../../test/support/user-service';

/** Default limits (10 a minute per IP and per email), counted in Redis. */
describe('user-service: sign-in rate limits', () => {
  let svc: UserServiceUnderTest;
  const login = (email: string, ip: string) =>
    request(svc.url)
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', ip)
      .send({ email, password: 'wrong password!' });

  beforeAll(async () => {
    svc = await bootUserService(uniqueName('t'));
  });

  afterAll(async () => {
    await svc?.stop();
  });

  it('answers the 11th login in a minute from one IP with 429 RATE_LIMITED and Retry-After', async () => {
    for (let i = 0; i < 10; i++) {
      await login(`someone${i}@example.com`, '203.0.113.7').expect(401);
    }
    const res = await login('someone-else@example.com', '203.0.113.7').expect(429);
    expect(res.body.code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    await login('someone-else@example.com', '203.0.113.8').expect(401);
  });

  it('limits one email across many IPs too', async () => {
    const email = newAccount().email;
    for (let i = 0; i < 10; i++) await login(email, `198.51.100.${i + 1}`).expect(401);
    const res = await login(` ${email.toUpperCase()}`, '198.51.100.200').expect(429);
    expect(res.body.code).toBe('RATE_LIMITED');
    expect(res.headers['retry-after']).toBeDefined();
  });

  it('limits sign-up by IP as well', async () => {
    for (let i = 0; i < 10; i++) {
      await request(svc.url)
        .post('/api/v1/auth/signup')
        .set('X-Forwarded-For', '192.0.2.55')
        .send(newAccount())
        .expect(201);
    }
    await request(svc.url)
      .post('/api/v1/auth/signup')
      .set('X-Forwarded-For', '192.0.2.55')
      .send(newAccount())
      .expect(429);
  });
});
