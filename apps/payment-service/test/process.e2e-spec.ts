import { spawnBuilt, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueName } from '@pingvas/testing';
import request from 'supertest';

const ENTRY = 'apps/payment-service/src/main.js';

/** The built service run as a real process, the way `npm start` and containers run it. */
describe('payment-service as a process', () => {
  it.each([
    ['PORT', 'abc'],
    ['APP_ENV', 'staging'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['RPC_TIMEOUT_MS', '-5'],
  ])('stops at boot with exit code 1 and a message naming %s=%s', async (variable, value) => {
    const proc = spawnBuilt(ENTRY, { [variable]: value });
    expect(await proc.exited).toBe(1);
    const stderr = proc.stderr.join('\n');
    expect(stderr).toContain('Invalid configuration for payment-service');
    expect(stderr).toMatch(
      new RegExp(`^\\s+${variable}: .*"${value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"`, 'm'),
    );
  });

  it('writes JSON log lines that carry the caller-given request id', async () => {
    const namespace = uniqueName('t');
    const proc = spawnBuilt(ENTRY, {
      APP_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'info',
      DATABASE_URL: TEST_DATABASE_URL,
      DB_SCHEMA: namespace,
      REDIS_URL: TEST_REDIS_URL,
      RPC_NAMESPACE: namespace,
    });
    try {
      const listening = JSON.parse(
        await proc.waitForLine((l) => l.includes('listening on http'), 30_000),
      );
      const url = String(listening.msg).replace('listening on ', '');
      await request(url).get('/api/v1/does-not-exist').set('X-Request-Id', 'abc').expect(404);
      const line = await proc.waitForLine((l) => l.includes('"requestId":"abc"'), 5000);
      expect(JSON.parse(line)).toMatchObject({
        service: 'payment-service',
        requestId: 'abc',
        res: { statusCode: 404 },
      });
    } finally {
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    }
  });
});
