import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { eventually } from './infra';

/**
 * A private `redis-server` on its own port, for tests that stop and restart Redis under
 * running services without disturbing anyone else's.
 */
export class TestRedisServer {
  private process?: ChildProcess;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.process = child;
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (err) => reject(new Error(`cannot run redis-server: ${err.message}`)));
    });
    await Promise.race([
      failed,
      eventually(() => this.ping(), 5000, `redis-server on ${this.port} answering`),
    ]);
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    this.process = undefined;
  }

  /** A raw RESP PING over TCP: no client library, so no reconnect timers outlive the probe. */
  private ping(): Promise<true | undefined> {
    return new Promise((resolve) => {
      const socket = connect(this.port, '127.0.0.1');
      const done = (answer: true | undefined) => {
        socket.destroy();
        resolve(answer);
      };
      socket.setTimeout(1000, () => done(undefined));
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => done(data.toString().startsWith('+PONG') ? true : undefined));
      socket.once('error', () => done(undefined));
    });
  }
}
