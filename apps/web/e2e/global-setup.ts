import { LemonSqueezyStandIn } from '../../../libs/testing/src/lemon-squeezy';
import { startSuite } from '../../../scripts/suite-launcher';
import { LEMON_VARIANTS, LEMON_WEBHOOK_SECRET, STAND_IN_SUBSCRIPTIONS } from './lemon';

/**
 * The suite as `npm start` runs it, through the edge on the port playwright.config.ts chose,
 * with Lemon Squeezy's API served by the stand-in (e2e/lemon.ts signs the tests' webhooks).
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const lemon = new LemonSqueezyStandIn();
  await lemon.start();
  for (const id of Object.values(STAND_IN_SUBSCRIPTIONS)) {
    lemon.addSubscription(id, { variant_id: Number(LEMON_VARIANTS.starter) });
  }
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/2';
  const suite = await startSuite({
    tag: 'web',
    webPort: Number(process.env.PINGVAS_WEB_PORT),
    redisUrl,
    env: {
      LEMONSQUEEZY_API_URL: lemon.url,
      LEMONSQUEEZY_API_KEY: 'ls-web-test-key',
      LEMONSQUEEZY_STORE_ID: '42',
      LEMONSQUEEZY_WEBHOOK_SECRET: LEMON_WEBHOOK_SECRET,
      LEMONSQUEEZY_VARIANTS: JSON.stringify(LEMON_VARIANTS),
    },
  }).catch(async (err: unknown) => {
    await lemon.stop();
    throw err;
  });
  process.env.PINGVAS_ADMIN_EMAIL = suite.adminEmail;
  process.env.PINGVAS_DB_SCHEMA = suite.schema;
  process.env.PINGVAS_DATABASE_URL = suite.databaseUrl;
  process.env.PINGVAS_REDIS_URL = redisUrl;
  return async () => {
    await suite.stop();
    await lemon.stop();
  };
}
