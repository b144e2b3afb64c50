import { execFile } from 'node:child_process';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { eventually } from './infra';

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';
const OS_USER = 'postgres';

/** The newest installed PostgreSQL's bin folder (Debian's layout), or PG_BIN when set. */
async function binDir(): Promise<string> {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const versions = (await readdir(PG_ROOT).catch(() => [] as string[]))
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error(`no PostgreSQL under ${PG_ROOT} (set PG_BIN)`);
  return join(PG_ROOT, versions[0], 'bin');
}

async function osUserIds(name: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([
    run('id', ['-u', name]).then((r) => Number(r.stdout.trim())),
    run('id', ['-g', name]).then((r) => Number(r.stdout.trim())),
  ]);
  return { uid, gid };
}

/**
 * A scratch PostgreSQL cluster of a test's own, on a spare port, for tests that stop and
 * restart the database under running services without touching the machine's shared one.
 * initdb refuses to run as root, so as root the cluster belongs to the `postgres` OS user.
 */
export class TestPostgresServer {
  private dataDir?: string;
  private socketDir?: string;
  private bin?: string;
  private asRoot = false;

  constructor(
    readonly port: number,
    readonly database = 'pingvas_test',
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${this.database}`;
  }

  /** initdb (trust auth, no fsync: the data is thrown away) and a first start. */
  async init(): Promise<void> {
    this.bin = await binDir();
    this.asRoot = process.getuid?.() === 0;
    this.dataDir = await mkdtemp(join(tmpdir(), 'pingvas-pg-data-'));
    this.socketDir = await mkdtemp(join(tmpdir(), 'pingvas-pg-sock-'));
    if (this.asRoot) {
      const { uid, gid } = await osUserIds(OS_USER);
      await chown(this.dataDir, uid, gid);
      await chown(this.socketDir, uid, gid);
    }
    await this.pg('initdb', [
      '-D',
      this.dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    await this.start();
    const admin = new Client({ connectionString: this.urlOf('postgres') });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${this.database}"`);
    } finally {
      await admin.end();
    }
  }

  async start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      `-k ${this.socketDir}`,
      `-c listen_addresses=127.0.0.1`,
      '-c fsync=off',
      '-c max_connections=200',
    ].join(' ');
    await this.pg('pg_ctl', ['-D', this.dir(), '-o', options, '-l', this.logFile(), '-w', 'start']);
    await eventually(() => this.accepts(), 10_000, `PostgreSQL on ${this.port} answering`);
  }

  /** As an operator stops it: sessions are ended (`57P01`), new connections refused. */
  async stop(): Promise<void> {
    await this.pg('pg_ctl', ['-D', this.dir(), '-m', 'fast', '-w', 'stop']);
  }

  /** Stops the server if it runs and removes the cluster. */
  async destroy(): Promise<void> {
    if (!this.dataDir) return;
    await this.pg('pg_ctl', ['-D', this.dir(), '-m', 'immediate', '-w', 'stop']).catch(
      () => undefined,
    );
    await rm(this.dataDir, { recursive: true, force: true });
    if (this.socketDir) await rm(this.socketDir, { recursive: true, force: true });
    this.dataDir = undefined;
  }

  private urlOf(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  private async accepts(): Promise<true | undefined> {
    const client = new Client({ connectionString: this.urlOf('postgres') });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return undefined;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private dir(): string {
    if (!this.dataDir) throw new Error('TestPostgresServer: call init() first');
    return this.dataDir;
  }

  private logFile(): string {
    return join(this.dir(), 'server.log');
  }

  private async pg(tool: string, args: string[]): Promise<void> {
    const path = join(this.bin ?? (await binDir()), tool);
    const [file, argv] = this.asRoot
      ? ['runuser', ['-u', OS_USER, '--', path, ...args]]
      : [path, args];
    try {
      await run(file, argv, { cwd: tmpdir(), timeout: 60_000 });
    } catch (err) {
      const { stderr, stdout } = err as { stderr?: string; stdout?: string };
      throw new Error(`${tool} ${args.join(' ')} failed: ${stderr || stdout || String(err)}`);
    }
  }
}
