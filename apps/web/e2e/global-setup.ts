import { startSuite } from '../../../scripts/suite-launcher';

/** The suite as `npm start` runs it, through the edge on the port playwright.config.ts chose. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const suite = await startSuite({ tag: 'web', webPort: Number(process.env.PINGVAS_WEB_PORT) });
  process.env.PINGVAS_ADMIN_EMAIL = suite.adminEmail;
  process.env.PINGVAS_DB_SCHEMA = suite.schema;
  process.env.PINGVAS_DATABASE_URL = suite.databaseUrl;
  return suite.stop;
}
