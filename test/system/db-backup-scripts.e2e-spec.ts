import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dropSchema } from '@pingvas/database';
import { TEST_DATABASE_URL, uniqueName } from '@pingvas/testing';
import { readFiguresAt } from '../../scripts/db-restore-check/restore-check';
import { createFilledSchema, withClient } from '../support/backup-data';

const SCRIPTS = join(__dirname, '..', '..', 'deploy', 'k8s', 'backups', 'scripts');
const run = promisify(execFile);

/** The schemas of the test database whose names start with `prefix`. */
const schemasLike = (prefix: string) =>
  withClient(TEST_DATABASE_URL, async (c) =>
    (
      await c.query<{ nspname: string }>(
        `SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1) ORDER BY 1`,
        [prefix],
      )
    ).rows.map((r) => r.nspname),
  );

/**
 * The backup CronJob's dump step and the restore Job's restore step (deploy/k8s/backups/scripts)
 * run as the pods run them, with this machine's pg_dump, pg_restore and psql against the real
 * PostgreSQL; only the S3 steps between them are left out (the dump is copied by hand).
 */
describe('backup and restore scripts', () => {
  const schema = uniqueName('t_backup');
  let dir: string;

  /** Runs one script with the pod's variables; resolves with its output, or rejects. */
  const script = (name: string, env: Record<string, string>) =>
    run('sh', [join(SCRIPTS, name)], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: TEST_DATABASE_URL,
        BACKUP_DIR: dir,
        BACKUP_NAME: 'test',
        ...env,
      },
    });

  beforeAll(() => createFilledSchema(TEST_DATABASE_URL, schema));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backup-scripts-spec-'));
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  afterAll(async () => {
    for (const s of await schemasLike(schema))
      await dropSchema({ url: TEST_DATABASE_URL, schema: s });
  });

  it('dumps the schema and restores it in place, keeping the replaced schema aside', async () => {
    const original = await readFiguresAt(TEST_DATABASE_URL, [schema]);
    const { stdout } = await script('dump.sh', { DB_SCHEMAS: schema });
    const files = await readdir(dir);
    expect(files).toEqual([expect.stringMatching(/^test-\d{8}T\d{6}Z\.dump$/)]);
    expect(stdout).toContain(`dumped ${schema}: ${files[0]}`);

    // The damage a restore undoes: rows lost and changed after the dump.
    await withClient(TEST_DATABASE_URL, async (c) => {
      await c.query(`DELETE FROM "${schema}".images WHERE seed % 2 = 0`);
      await c.query(`UPDATE "${schema}".odd_values SET note = 'damaged'`);
    });
    const damaged = await readFiguresAt(TEST_DATABASE_URL, [schema]);
    expect(damaged).not.toEqual(original);

    await copyFile(join(dir, files[0]), join(dir, 'restore.dump'));
    const restored = await script('restore.sh', { DB_SCHEMAS: schema });
    const [aside] = await schemasLike(`${schema}_old_`);
    expect(restored.stdout).toContain(
      `restored ${schema}; the schema it replaced, if any, is now ${aside}`,
    );

    expect(await readFiguresAt(TEST_DATABASE_URL, [schema])).toEqual(original);
    const asideFigures = await readFiguresAt(TEST_DATABASE_URL, [aside]);
    expect(asideFigures.map((f) => ({ ...f, table: f.table.replace(aside, schema) }))).toEqual(
      damaged,
    );
    // The application's own triggers and functions came back with the tables.
    const grams = await withClient(TEST_DATABASE_URL, async (c) => {
      await c.query(
        `INSERT INTO "${schema}".images (id, owner_id, generation_id, index, model_id, model_name,
           prompt, prompt_chosung, seed, width, height, steps, guidance_scale, storage_key, bytes,
           created_at)
         VALUES (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 0, 'm', 'm', '새 그림',
           'ㅅ ㄱㄹ', 1, 64, 64, 1, 1, 'k', 1, now())`,
      );
      return (await c.query(`SELECT search_grams FROM "${schema}".images WHERE prompt = '새 그림'`))
        .rows[0].search_grams as string[] | null;
    });
    expect(grams?.length).toBeGreaterThan(0);
  });

  it('changes nothing when the restore fails half-way (a dump of another schema)', async () => {
    const other = `${schema}_other`;
    await withClient(TEST_DATABASE_URL, (c) =>
      c.query(
        `CREATE SCHEMA "${other}"; CREATE TABLE "${other}".kept (n int); INSERT INTO "${other}".kept VALUES (1)`,
      ),
    );
    await script('dump.sh', { DB_SCHEMAS: schema });
    const [dump] = await readdir(dir);
    await copyFile(join(dir, dump), join(dir, 'restore.dump'));
    const before = await schemasLike(schema);

    // Meant for `other`, but the dump creates `schema`, which exists: the restore must fail after
    // renaming `other` aside, and roll the rename back.
    const failure = await script('restore.sh', { DB_SCHEMAS: other }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure?.code).not.toBe(0);
    expect(failure?.stderr).toContain(`schema "${schema}" already exists`);
    expect(await schemasLike(schema)).toEqual(before);
    expect(await readFiguresAt(TEST_DATABASE_URL, [other])).toEqual([
      expect.objectContaining({ table: `${other}.kept`, rows: 1 }),
    ]);
  });

  it('fails on a schema that does not exist and leaves no dump behind', async () => {
    const failure = await script('dump.sh', { DB_SCHEMAS: `${schema}_missing` }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('no matching schemas were found');
    expect((await readdir(dir)).filter((f) => f.endsWith('.dump'))).toEqual([]);
  });
});
