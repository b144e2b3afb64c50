import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeIdentifier } from 'pg';
import { assertSchemaName, withClient } from '@pingvas/database';
import { compareFigures, readFigures, type TableComparison, type TableFigures } from './figures';

export interface RestoreCheckReport {
  comparison: TableComparison[];
  ok: boolean;
  dumpBytes: number;
  dumpMs: number;
  restoreMs: number;
}

/**
 * libpq's half of a node-postgres URL: the password moves to PGPASSWORD so that it never
 * shows in the process list (`ps` prints pg_dump's arguments).
 */
function libpqTarget(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const target = new URL(url);
  const password = decodeURIComponent(target.password);
  target.password = '';
  return {
    dbname: target.toString(),
    env: password ? { ...process.env, PGPASSWORD: password } : process.env,
  };
}

/** Runs a PostgreSQL client program; rejects with its stderr when it exits non-zero. */
function runClientProgram(program: string, args: string[], url: string): Promise<void> {
  const { dbname, env } = libpqTarget(url);
  return new Promise((resolve, reject) => {
    const child = spawn(program, [`--dbname=${dbname}`, ...args], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${program} exited ${code}: ${stderr.trim()}`)),
    );
  });
}

/**
 * pg_dump of `schemas` (custom format) into `file`, and the figures of the very rows it
 * dumped: a REPEATABLE READ transaction exports its snapshot, pg_dump reads through it
 * (`--snapshot`), and the figures are read in the same transaction while pg_dump runs. Writers
 * carry on meanwhile; what they commit after the snapshot is in neither.
 */
export function dumpAtSnapshot(
  url: string,
  schemas: string[],
  file: string,
): Promise<TableFigures[]> {
  return withClient(url, async (client) => {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const { rows } = await client.query<{ snapshot: string }>(
      'SELECT pg_export_snapshot() AS snapshot',
    );
    const [, figures] = await Promise.all([
      runClientProgram(
        'pg_dump',
        [
          `--snapshot=${rows[0].snapshot}`,
          '--format=custom',
          // Each named schema must exist: a misspelt name must not pass as an empty dump.
          '--strict-names',
          ...schemas.map((s) => `--schema=${assertSchemaName(s)}`),
          `--file=${file}`,
        ],
        url,
      ),
      readFigures(client, schemas),
    ]);
    await client.query('COMMIT');
    return figures;
  });
}

export interface ScratchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * An empty database beside the source, for the restore: the dump keeps its schema names, so
 * it restores as it would after a disaster, with no rewriting of names inside function
 * bodies, defaults or index definitions. A dump of some schemas leaves out the extensions
 * they use (pg_trgm and btree_gin in public, for the gallery's indexes); the source's
 * extensions that live outside those schemas are made here first.
 */
export async function createScratchDatabase(
  url: string,
  schemas: string[],
): Promise<ScratchDatabase> {
  const name = `restore_check_${randomBytes(5).toString('hex')}`;
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  const extensions = await withClient(url, async (admin) => {
    const { rows } = await admin.query<{ encoding: string; collate: string; ctype: string }>(
      `SELECT pg_encoding_to_char(encoding) AS encoding, datcollate AS collate, datctype AS ctype
         FROM pg_database WHERE datname = current_database()`,
    );
    const found = (
      await admin.query<{ extname: string; schema: string }>(
        `SELECT e.extname, n.nspname AS schema
           FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
          WHERE e.extname <> 'plpgsql' AND n.nspname <> ALL($1)
          ORDER BY e.extname`,
        [schemas],
      )
    ).rows;
    const { encoding, collate, ctype } = rows[0];
    await admin.query(
      `CREATE DATABASE ${escapeIdentifier(name)} TEMPLATE template0 ENCODING ${admin.escapeLiteral(encoding)}
         LC_COLLATE ${admin.escapeLiteral(collate)} LC_CTYPE ${admin.escapeLiteral(ctype)}`,
    );
    return found;
  });
  const drop = () =>
    withClient(url, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)} WITH (FORCE)`);
    });
  try {
    await withClient(scratch.toString(), async (client) => {
      for (const { extname, schema } of extensions) {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${escapeIdentifier(schema)}`);
        await client.query(
          `CREATE EXTENSION IF NOT EXISTS ${escapeIdentifier(extname)} WITH SCHEMA ${escapeIdentifier(schema)}`,
        );
      }
    });
  } catch (err) {
    await drop();
    throw err;
  }
  return { url: scratch.toString(), name, drop };
}

/**
 * pg_restore in one transaction, stopping at the first error (a partial restore must not
 * pass). Owners and grants are left out: the restoring role owns what it makes, as the
 * environment's role does after a real restore.
 */
export function restoreDump(url: string, file: string): Promise<void> {
  return runClientProgram(
    'pg_restore',
    ['--no-owner', '--no-acl', '--exit-on-error', '--single-transaction', file],
    url,
  );
}

export function readFiguresAt(url: string, schemas: string[]): Promise<TableFigures[]> {
  return withClient(url, (client) => readFigures(client, schemas));
}

/**
 * Dumps the schemas, restores the dump into a scratch database and compares every table's
 * row count and checksum with the source's at the dump's snapshot. The scratch database and
 * the dump file are removed whatever happens.
 */
export async function runRestoreCheck(url: string, schemas: string[]): Promise<RestoreCheckReport> {
  const dir = await mkdtemp(join(tmpdir(), 'pingvas-restore-check-'));
  const file = join(dir, 'schemas.dump');
  try {
    let started = Date.now();
    const source = await dumpAtSnapshot(url, schemas, file);
    const dumpMs = Date.now() - started;
    const { size: dumpBytes } = await stat(file);
    const scratch = await createScratchDatabase(url, schemas);
    try {
      started = Date.now();
      await restoreDump(scratch.url, file);
      const restoreMs = Date.now() - started;
      const comparison = compareFigures(source, await readFiguresAt(scratch.url, schemas));
      return {
        comparison,
        // A check that compared no table proves nothing.
        ok: comparison.length > 0 && comparison.every((c) => !c.problem),
        dumpBytes,
        dumpMs,
        restoreMs,
      };
    } finally {
      await scratch.drop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
