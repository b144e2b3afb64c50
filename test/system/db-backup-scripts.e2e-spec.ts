import { execFile } from 'node:child_process';
import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dropSchema, withClient } from '@pingvas/database';
import { TEST_DATABASE_URL, TestS3Server, uniqueName } from '@pingvas/testing';
import { readFiguresAt } from '../../scripts/db-restore-check/restore-check';
import { createFilledSchema } from '../support/backup-data';
import { unzip } from '../support/unzip';

const SCRIPTS = join(__dirname, '..', '..', 'deploy', 'k8s', 'backups', 'scripts');
/**
 * An AWS CLI without a download: version 1, in the layer zip of an npm package the lock file
 * already holds (the kubectl layer depends on it), run by this machine's python3. The scripts
 * use only commands and options that versions 1 and 2 share.
 */
const AWS_CLI_LAYER = join(
  require.resolve('@aws-cdk/asset-awscli-v1/package.json'),
  '..',
  'lib',
  'layer.zip',
);
const BUCKET = 'pingvas-test-backups';
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

/** A dump name's UTC time, as dump.sh writes it, `days` ago. */
function stampDaysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().replace(/[-:]|\.\d+/g, '');
}

/**
 * The S3 halves, upload.sh (the CronJob's second container) and fetch.sh (the restore Job's
 * first), with the AWS CLI against a private S3-compatible server.
 */
describe('backup upload and fetch scripts', () => {
  let s3: TestS3Server;
  let tools: string;
  let dir: string;

  const awsEnv = () => ({
    PATH: `${join(tools, 'shim')}:${process.env.PATH ?? ''}`,
    HOME: tools,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: s3.endpoint,
  });
  const script = (name: string, env: Record<string, string> = {}) =>
    run('bash', [join(SCRIPTS, name)], {
      env: {
        ...awsEnv(),
        BACKUP_DIR: dir,
        BACKUP_BUCKET: BUCKET,
        BACKUP_PREFIX: 'postgres/',
        BACKUP_NAME: 'test',
        RETENTION_DAYS: '7',
        DB_SCHEMAS: 'test_pingvas other_schema',
        ...env,
      },
    });
  const aws = (args: string[]) => run('aws', args, { env: awsEnv() });

  beforeAll(async () => {
    tools = await mkdtemp(join(tmpdir(), 'backup-aws-cli-'));
    await unzip(AWS_CLI_LAYER, tools);
    await mkdir(join(tools, 'shim'));
    await writeFile(
      join(tools, 'shim', 'aws'),
      `#!/bin/sh\nexec python3 "${join(tools, 'awscli', 'aws')}" "$@"\n`,
    );
    await chmod(join(tools, 'shim', 'aws'), 0o755);
    s3 = await TestS3Server.start([BUCKET]);
  });

  afterAll(async () => {
    await s3?.stop();
    await rm(tools, { recursive: true, force: true });
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backup-s3-spec-'));
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('uploads each dump, keeps those within the retention, and fetches the newest for a restore', async () => {
    const uploaded: string[] = [];
    for (const days of [20, 8, 6, 0]) {
      const name = `test-${stampDaysAgo(days)}.dump`;
      await writeFile(join(dir, name), `the dump of ${days} days ago`);
      const { stdout } = await script('upload.sh');
      expect(stdout).toContain(`uploaded s3://${BUCKET}/postgres/${name} (`);
      await rm(join(dir, name));
      uploaded.push(`postgres/${name}`);
    }
    const listed = await aws([
      's3api',
      'list-objects-v2',
      '--bucket',
      BUCKET,
      '--query',
      'Contents[].Key',
      '--output',
      'text',
    ]);
    expect(listed.stdout.trim().split(/\s+/).sort()).toEqual(uploaded.slice(2));
    const head = await aws([
      's3api',
      'head-object',
      '--bucket',
      BUCKET,
      '--key',
      uploaded[3],
      '--query',
      'Metadata.schemas',
      '--output',
      'text',
    ]);
    expect(head.stdout.trim()).toBe('test_pingvas other_schema');

    const { stdout } = await script('fetch.sh', { BACKUP_KEY: 'latest' });
    expect(stdout).toContain(`fetched s3://${BUCKET}/${uploaded[3]}`);
    expect(await readFile(join(dir, 'restore.dump'), 'utf8')).toBe('the dump of 0 days ago');
    await script('fetch.sh', { BACKUP_KEY: uploaded[2] });
    expect(await readFile(join(dir, 'restore.dump'), 'utf8')).toBe('the dump of 6 days ago');
  });

  it('refuses to upload anything but exactly one dump, and to fetch from an empty prefix', async () => {
    const none = await script('upload.sh').then(
      () => undefined,
      (err: { stderr: string }) => err,
    );
    expect(none?.stderr).toContain(`expected one dump in ${dir}, found 0`);
    const missing = await script('fetch.sh', { BACKUP_KEY: 'latest', BACKUP_NAME: 'nobody' }).then(
      () => undefined,
      (err: { stderr: string }) => err,
    );
    expect(missing?.stderr).toContain(`no dump under s3://${BUCKET}/postgres/nobody-`);
  });
});
