import { ConfigError } from '@pingvas/common';
import { dataSourceOptions } from '@pingvas/database';
import { DataSource } from 'typeorm';
import { normaliseEmail } from './auth/auth.service';
import { loadUserServiceConfig } from './config';
import { USER_DATABASE } from './database';

/** `npm run user:promote -- <email>`: makes an existing account an admin. */
async function promote(args: string[]): Promise<number> {
  const email = args.find((a) => !a.startsWith('-'));
  if (!email) {
    process.stderr.write('usage: npm run user:promote -- <email>\n');
    return 2;
  }
  const config = loadUserServiceConfig(process.env);
  const source = new DataSource(
    dataSourceOptions(config.database, USER_DATABASE, 'pingvas-user-promote'),
  );
  await source.initialize();
  try {
    const [rows]: [{ id: string }[], number] = await source.query(
      `UPDATE "users" SET "role" = 'admin', "updated_at" = now() WHERE "email" = $1 RETURNING "id"`,
      [normaliseEmail(email)],
    );
    if (rows.length === 0) {
      process.stderr.write(
        `no account with email ${normaliseEmail(email)} in schema ${config.database.schema}\n`,
      );
      return 1;
    }
    process.stdout.write(`${normaliseEmail(email)} is now an admin (new tokens carry the role)\n`);
    return 0;
  } finally {
    await source.destroy();
  }
}

promote(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `${err instanceof ConfigError ? err.message : `promote failed: ${String(err)}`}\n`,
    );
    process.exit(1);
  },
);
