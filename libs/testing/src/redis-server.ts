import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { eventually, sparePort } from './infra';

/**
 * A private `redis-server` on its own port, for tests that stop and restart Redis under
 * running services without disturbing anyone else's.
 */
export class TestRedisServer {
  private process?: ChildProcess;
  /** Its working directory: a replica writes the RDB it syncs from its primary there. */
  private dataDir?: string;

  /** `options.config`: a config file to read first; `options.args`: more flags (`--replicaof …`, `--sentinel`). */
  constructor(
    readonly port: number,
    private readonly options: { config?: string; args?: string[] } = {},
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  async start(): Promise<void> {
    this.dataDir ??= await mkdtemp(join(tmpdir(), `pingvas-redis-${this.port}-`));
    const flags = [
      '--dir',
      this.dataDir,
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ];
    const config = this.options.config === undefined ? [] : [this.options.config];
    const child = spawn('redis-server', [...config, ...flags, ...(this.options.args ?? [])], {
      stdio: 'ignore',
    });
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
    if (child && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    }
    this.process = undefined;
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
    this.dataDir = undefined;
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

/** One command to one server, on a connection that gives up at once and is closed after. */
async function ask(port: number, ...args: string[]): Promise<unknown> {
  const redis = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    return await redis.call(args[0], ...args.slice(1));
  } finally {
    redis.disconnect();
  }
}

/** `SENTINEL replicas` answers each replica as a flat [field, value, …] list. */
const fieldsOf = (flat: unknown): Record<string, string> => {
  const list = Array.isArray(flat) ? flat.map(String) : [];
  return Object.fromEntries(list.flatMap((v, i) => (i % 2 === 0 ? [[v, list[i + 1]]] : [])));
};

/**
 * A primary, its replica and one Sentinel monitoring them (quorum 1, down after 1 s), each a
 * private redis-server on a spare port, for tests that fail the primary over under running
 * services (Sentinel's own failover, as in production with three).
 */
export class TestSentinel {
  private constructor(
    readonly masterName: string,
    private servers: TestRedisServer[],
    private readonly sentinel: TestRedisServer,
    private readonly dir: string,
  ) {}

  static async start(masterName = 'pingvas'): Promise<TestSentinel> {
    const [a, b, s] = await Promise.all([sparePort(), sparePort(), sparePort()]);
    const primary = new TestRedisServer(a);
    const replica = new TestRedisServer(b, { args: ['--replicaof', '127.0.0.1', String(a)] });
    await Promise.all([primary.start(), replica.start()]);
    const dir = await mkdtemp(join(tmpdir(), 'pingvas-sentinel-'));
    const config = join(dir, 'sentinel.conf');
    // Sentinel rewrites its config file as it learns, so it lives in a directory of its own.
    await writeFile(
      config,
      [
        `sentinel monitor ${masterName} 127.0.0.1 ${a} 1`,
        `sentinel down-after-milliseconds ${masterName} 1000`,
        `sentinel failover-timeout ${masterName} 5000`,
        '',
      ].join('\n'),
    );
    const sentinel = new TestRedisServer(s, { config, args: ['--sentinel'] });
    await sentinel.start();
    const setup = new TestSentinel(masterName, [primary, replica], sentinel, dir);
    await eventually(
      () => setup.replicaInSync(b),
      15_000,
      'the Sentinel seeing the replica in sync',
    );
    return setup;
  }

  /** REDIS_URL of the setup (db 0). */
  get url(): string {
    return `redis+sentinel://127.0.0.1:${this.sentinel.port}/${this.masterName}/0`;
  }

  get sentinelAddress(): string {
    return `127.0.0.1:${this.sentinel.port}`;
  }

  /** The port of the server the Sentinel names as primary now. */
  async primaryPort(): Promise<number> {
    const answer = await ask(
      this.sentinel.port,
      'SENTINEL',
      'get-master-addr-by-name',
      this.masterName,
    );
    return Number(Array.isArray(answer) ? answer[1] : NaN);
  }

  /** One command on the server the Sentinel names as primary now (to see where data went). */
  async onPrimary(...args: string[]): Promise<unknown> {
    return ask(await this.primaryPort(), ...args);
  }

  /** `kill -9` of the primary; resolves with the new primary's port once it serves as one. */
  async killPrimary(timeoutMs = 20_000): Promise<number> {
    const from = await this.primaryPort();
    await this.servers.find((server) => server.port === from)!.stop();
    return this.promotedFrom(from, timeoutMs);
  }

  /** Starts a killed server again, empty, as a replica of the primary (Sentinel sees it join). */
  async revive(port: number, timeoutMs = 20_000): Promise<void> {
    const primary = await this.primaryPort();
    const revived = new TestRedisServer(port, {
      args: ['--replicaof', '127.0.0.1', String(primary)],
    });
    this.servers = [...this.servers.filter((server) => server.port !== port), revived];
    await revived.start();
    await eventually(() => this.replicaInSync(port), timeoutMs, `${port} replicating again`);
  }

  /** `SENTINEL FAILOVER`: the live primary hands over to its replica and becomes one itself. */
  async failover(timeoutMs = 20_000): Promise<number> {
    const from = await this.primaryPort();
    // Refused (NOGOODSLAVE) until the Sentinel's last look at the replica is recent enough.
    await eventually(
      () => ask(this.sentinel.port, 'SENTINEL', 'FAILOVER', this.masterName).then(() => true),
      timeoutMs,
      'SENTINEL FAILOVER accepted',
      250,
    );
    return this.promotedFrom(from, timeoutMs);
  }

  async stop(): Promise<void> {
    await Promise.all([this.sentinel, ...this.servers].map((server) => server.stop()));
    await rm(this.dir, { recursive: true, force: true });
  }

  /**
   * Once the failover has ended: Sentinel names the promoted replica a moment before it
   * publishes +switch-master (while it reconfigures replicas), and clients move on that event.
   */
  private promotedFrom(from: number, timeoutMs: number): Promise<number> {
    return eventually(
      async () => {
        const master = fieldsOf(
          await ask(this.sentinel.port, 'SENTINEL', 'MASTER', this.masterName),
        );
        const to = Number(master.port);
        if (to === from || master.flags !== 'master') return undefined;
        const role = await ask(to, 'ROLE');
        return Array.isArray(role) && role[0] === 'master' ? to : undefined;
      },
      timeoutMs,
      `Sentinel failing over from ${from}`,
    );
  }

  private async replicaInSync(port: number): Promise<true | undefined> {
    const replicas = await ask(this.sentinel.port, 'SENTINEL', 'replicas', this.masterName);
    const replica = (Array.isArray(replicas) ? replicas : [])
      .map(fieldsOf)
      .find((r) => r.port === String(port));
    const inSync = replica?.flags === 'slave' && replica['master-link-status'] === 'ok';
    return inSync || undefined;
  }
}
