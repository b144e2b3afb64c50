import { join } from 'node:path';
import { loadBaseConfig, parseRedisUrl } from '@pingvas/common';
import { SERVICES } from '@pingvas/contracts';
import Ajv from 'ajv';
import { chartValues, readText } from './files';

interface Values {
  env: Record<string, string>;
}

const CHARTS = Object.values(SERVICES).map((service) => service.name);
const SENTINEL_ENV = {
  REDIS_SENTINELS:
    'redis-sentinel-0.redis:26379, redis-sentinel-1.redis:26379,redis-sentinel-2.redis',
  REDIS_SENTINEL_NAME: 'pingvas',
};

function schemaOf(chart: string) {
  const schema: unknown = JSON.parse(readText(join('deploy', 'helm', chart, 'values.schema.json')));
  return new Ajv({ allErrors: true, strict: false }).compile(schema as object);
}

describe('Redis Sentinel in the charts (seed 002: prod Redis behind three Sentinels)', () => {
  it.each(CHARTS)('%s: takes the Sentinels as plain settings that the service reads', (chart) => {
    const values = chartValues<Values>(chart, 'prod');
    const env = { ...values.env, ...SENTINEL_ENV };
    expect(schemaOf(chart)({ ...values, env })).toBe(true);
    // With the password and DB of the Secret's REDIS_URL, as the values comments describe.
    const config = loadBaseConfig(chart, 1, { ...env, REDIS_URL: 'redis://:pw@unused/1' });
    expect(parseRedisUrl(config.redis.url)).toMatchObject({
      kind: 'sentinel',
      masterName: 'pingvas',
      db: 1,
      password: 'pw',
    });
    expect(parseRedisUrl(config.redis.url)).toHaveProperty('sentinels.length', 3);
  });

  it.each(CHARTS)(
    '%s: refuses a Sentinel password among the plain settings, and a bad list',
    (chart) => {
      const values = chartValues<Values>(chart, 'prod');
      const validate = schemaOf(chart);
      const env = { ...values.env, ...SENTINEL_ENV };
      expect(validate({ ...values, env: { ...env, REDIS_SENTINEL_PASSWORD: 'x' } })).toBe(false);
      expect(validate({ ...values, env: { ...env, REDIS_SENTINELS: 'redis://s1:26379' } })).toBe(
        false,
      );
    },
  );

  it('gives the GPU worker the Sentinels of generation-service, so both reach one primary', () => {
    const tpl = readText(join('deploy', 'helm', 'generation-service', 'templates', '_worker.tpl'));
    for (const variable of ['REDIS_SENTINELS', 'REDIS_SENTINEL_NAME'])
      expect(tpl).toContain(`"${variable}"`);
  });
});
