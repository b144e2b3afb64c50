import { ConfigError } from '@pingvas/common';
import { dataSourceOptions } from '@pingvas/database';
import { DataSource } from 'typeorm';
import { normaliseEmail } from './auth/auth.service';
import { loadUserServiceConfig } from './config';
import { USER_DATABASE } from './database';
import { UsersRepository } from './users/users.repository';

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
    const promoted = await new UsersRepository(source).setRoleByEmail(
      normaliseEmail(email),
      'admin',
    );
    if (!promoted) {
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
