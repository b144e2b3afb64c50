import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '@pingvas/common';
import { eventually, sparePort } from './infra';

/** s3rver's fixed key pair: it checks every request's signature against it. */
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

/**
 * A private S3-compatible server (s3rver, as a child process on a spare port, its objects in a
 * temporary folder) with the given buckets, for tests that run the real AWS S3 client.
 */
export class TestS3Server {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
  ) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(buckets: string[]): Promise<TestS3Server> {
    const dir = await mkdtemp(join(tmpdir(), 'pingvas-s3-'));
    const port = await sparePort();
    const args = [require.resolve('s3rver/bin/s3rver.js'), '--directory', dir];
    args.push('--address', '127.0.0.1', '--port', String(port), '--silent');
    for (const bucket of buckets) args.push('--configure-bucket', bucket);
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    const server = new TestS3Server(child, dir, port);
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (err) => reject(new Error(`cannot run s3rver: ${err.message}`)));
      child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
    });
    await Promise.race([
      failed,
      eventually(() => server.listening(), 10_000, `s3rver on ${port} listening`),
    ]);
    return server;
  }

  /**
   * The storage variables of a process on `bucket`. The SDK reads its credentials from the
   * process environment (the default chain), so they go there too, for services booted in this
   * process; a spawned process gets them with the rest.
   */
  storageEnv(bucket: string, extra: Env = {}): Env {
    Object.assign(process.env, CREDENTIALS);
    return {
      STORAGE_DRIVER: 's3',
      S3_BUCKET: bucket,
      S3_REGION: 'us-east-1',
      S3_ENDPOINT: this.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      ...CREDENTIALS,
      ...extra,
    };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGKILL');
      await exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  private listening(): Promise<true | undefined> {
    return new Promise((resolve) => {
      const socket = connect(this.port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(undefined));
    });
  }
}
