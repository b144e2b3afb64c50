/**
 * The RPC transport (DESIGN §9): load-balanced over Redis Streams, so exactly one replica
 * handles each request, where Nest's stock Redis transport (pub/sub) has every replica run it.
 *
 * - Requests: one stream per service, `<namespace>:rpc:<service>` (the pattern's first
 *   segment), read with XREADGROUP by the consumer group `<service>`, one consumer per
 *   process start. Each entry carries Nest's packet, the caller's deadline and reply channel.
 * - Replies: PUBLISH to the caller instance's own channel `<namespace>:rpc:reply:<clientId>`
 *   (one subscriber each, for the client's life). A reply is only useful to a caller that is
 *   still waiting, so pub/sub's "nobody listening, nothing kept" is what we want there: a
 *   per-client reply stream would need a reader, trimming and the removal of dead clients'
 *   streams to say the same. Replies keep Nest's packet shape, so `rpcFailure` maps them.
 * - Deadlines: a replica never starts a request past its deadline (acked and dropped,
 *   outcome `expired`), and gives up one it holds when the deadline passes.
 * - Dead replicas: live ones touch what they hold every tick (XCLAIM to themselves), so an
 *   entry idle past `minIdleMs` belongs to a replica that is gone; XAUTOCLAIM hands it to
 *   another, which starts it only while its deadline holds.
 * - Trimming: an answered entry is acked and deleted with its reply (one round trip); XADD
 *   trims `MINID ~` past every possible deadline for the rest.
 * - No listener: replicas keep a heartbeat in `<stream>:replicas`; the caller's XADD runs in a
 *   script that adds nothing and answers NO_SUBSCRIBER (→ 503 UPSTREAM_UNAVAILABLE at once)
 *   when no heartbeat holds.
 * - As before: reconnect forever, boot while Redis is down, every command's rejection handled,
 *   the reply subscriber without the ready check (SUBSCRIBER_CONNECTION), blocking reads on
 *   their own connection.
 *
 * Not RPC, and pub/sub on purpose: the live channel (live/generation-channel.ts), whose cancel
 * and wake-up signals every replica must see.
 */
export { NO_SUBSCRIBER, StreamRpcClient, type StreamSendOptions } from './rpc/stream-rpc-client';
export {
  STREAM_TRANSPORT,
  StreamRpcContext,
  StreamRpcServer,
  type StreamServerOptions,
} from './rpc/stream-rpc-server';
export { type ConsumerTuning, DEFAULT_TUNING } from './rpc/stream-consumer';
export type { StreamTransportOptions } from './rpc/stream-connections';
export * from './rpc/rpc-metrics';
