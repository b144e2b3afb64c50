import { Client } from 'pg';
import { assertSchemaName, type DatabaseLocation } from './service-database';

const UNDEFINED_DATABASE = '3D000';
const DUPLICATE_DATABASE = '42P04';

/** One connection for `fn`, closed whatever happens (admin work, scripts, test arrangements). */
export async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates the database named in the URL when it is missing (a newcomer's first start). */
export async function ensureDatabase(url: string): Promise<void> {
  try {
    await withClient(url, async () => undefined);
  } catch (err) {
    if ((err as { code?: string }).code !== UNDEFINED_DATABASE) throw err;
    const target = new URL(url);
    const name = decodeURIComponent(target.pathname.slice(1));
    const admin = new URL(url);
    admin.pathname = '/postgres';
    await withClient(admin.toString(), async (client) => {
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } catch (createErr) {
        if ((createErr as { code?: string }).code !== DUPLICATE_DATABASE) throw createErr;
      }
    });
  }
}

export async function ensureSchema(location: DatabaseLocation): Promise<void> {
  const schema = assertSchemaName(location.schema);
  await withClient(location.url, (client) =>
    client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`),
  );
}

export async function dropSchema(location: DatabaseLocation): Promise<void> {
  const schema = assertSchemaName(location.schema);
  await withClient(location.url, (client) =>
    client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
  );
}

/**
 * Runs `fn` while holding a PostgreSQL advisory lock, so two migrators started at once (two
 * Helm hooks, two developers) apply migrations one after the other.
 */
export async function withAdvisoryLock<T>(
  url: string,
  key: string,
  fn: () => Promise<T>,
): Promise<T> {
  return withClient(url, async (client) => {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
    try {
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
    }
  });
}
