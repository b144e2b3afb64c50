import { SentinelConnector, type SentinelConnectionOptions } from 'ioredis';

type ErrorEmitter = Parameters<SentinelConnector['connect']>[0];
type NetStream = Awaited<ReturnType<SentinelConnector['connect']>>;

/**
 * ioredis's Sentinel connector with its failover detector tied to the connection it serves.
 * The detector (a subscriber to `+switch-master` on each Sentinel) drops the connection the
 * moment a failover ends, so nothing keeps writing to the old primary in the seconds before
 * Sentinel demotes it (writes there are lost when it resyncs). ioredis 5.11 closes the
 * detector only on `disconnect()`, not on `quit()` (how BullMQ and Nest close), which would
 * leave its subscribers open and reconnecting: here it goes whenever the connection closes,
 * and the next connect makes a new one.
 */
export class FailoverFollowingConnector extends SentinelConnector {
  /** ioredis's `Connector` option is typed `new (options: unknown)`; it passes its own options. */
  constructor(options: unknown) {
    super(options as SentinelConnectionOptions);
  }

  override async connect(eventEmitter: ErrorEmitter): Promise<NetStream> {
    const stream = await super.connect(eventEmitter);
    // Not once a newer stream has taken its place (that one has its own detector).
    stream.once('close', () => this.stream === stream && this.disconnect());
    return stream;
  }
}
