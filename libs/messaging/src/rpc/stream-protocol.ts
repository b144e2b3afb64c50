/**
 * The pure half of the RPC transport over Redis Streams: key names, what a request entry holds,
 * and the rules on deadlines, claims, trimming and stale consumers. No Redis here, so every
 * rule is unit-tested on its own (stream-protocol.spec.ts).
 */

/** The longest timeout a caller may set (RPC_TIMEOUT_MS is at most 60 s), plus a margin. */
export const STREAM_RETENTION_MS = 70_000;

/** `payment.credits.reserve` is served by `payment`: one stream and one consumer group each. */
export function serviceOf(pattern: string): string {
  const dot = pattern.indexOf('.');
  return dot > 0 ? pattern.slice(0, dot) : pattern;
}

export interface StreamKeys {
  /** The requests to one service, read by its consumer group. */
  stream: string;
  /** Sorted set: each live replica, scored by when its heartbeat runs out (epoch ms). */
  replicas: string;
}

export function streamKeys(namespace: string, service: string): StreamKeys {
  const stream = `${namespace}:rpc:${service}`;
  return { stream, replicas: `${stream}:replicas` };
}

/** One caller instance's reply channel: one subscriber, for the caller's whole life. */
export function replyChannel(namespace: string, clientId: string): string {
  return `${namespace}:rpc:reply:${clientId}`;
}

/** A request as it lies in the stream (the fields XADD writes). */
export interface RequestEntry {
  /** The stream entry id (`<ms>-<seq>`). */
  entryId: string;
  /** Nest's packet, `{ id, pattern, data }`, as JSON. */
  packet: string;
  /** When the caller gives up (epoch ms): no replica starts the request after it. */
  deadline: number;
  reply: string;
}

export function requestFields(entry: Omit<RequestEntry, 'entryId'>): string[] {
  return ['packet', entry.packet, 'deadline', String(entry.deadline), 'reply', entry.reply];
}

function fieldMap(fields: unknown): Map<string, string> | undefined {
  if (!Array.isArray(fields) || fields.length % 2 !== 0) return undefined;
  const map = new Map<string, string>();
  for (let i = 0; i < fields.length; i += 2) {
    const [key, value]: unknown[] = [fields[i], fields[i + 1]];
    if (typeof key !== 'string' || typeof value !== 'string') return undefined;
    map.set(key, value);
  }
  return map;
}

/** One `[id, [field, value, …]]` as Redis returns it; undefined for anything else (logged, acked, dropped). */
export function decodeEntry(raw: unknown): RequestEntry | { entryId: string } | undefined {
  if (!Array.isArray(raw) || typeof raw[0] !== 'string') return undefined;
  const entryId = raw[0];
  const fields = fieldMap(raw[1]);
  const packet = fields?.get('packet');
  const reply = fields?.get('reply');
  const deadline = Number(fields?.get('deadline'));
  if (packet === undefined || reply === undefined || !Number.isFinite(deadline)) return { entryId };
  return { entryId, packet, reply, deadline };
}

export function isRequest(entry: RequestEntry | { entryId: string }): entry is RequestEntry {
  return 'packet' in entry;
}

/** The entries of one stream in an XREADGROUP answer: `[[key, [entry, …]]]` or null. */
export function entriesOfRead(reply: unknown): unknown[] {
  if (!Array.isArray(reply)) return [];
  return reply.flatMap((stream: unknown) =>
    Array.isArray(stream) && Array.isArray(stream[1]) ? stream[1] : [],
  );
}

/** XAUTOCLAIM's answer: `[nextCursor, entries, deletedIds]` (Redis 7). */
export function decodeAutoClaim(reply: unknown): { cursor: string; entries: unknown[] } {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string') return { cursor: '0-0', entries: [] };
  // A trimmed entry comes back as null in its place (Redis 6.2) or in the third list (7.x).
  const entries = Array.isArray(reply[1]) ? reply[1].filter(Array.isArray) : [];
  return { cursor: reply[0], entries };
}

/** What a replica does with a request it read or claimed. */
export type Admission = 'start' | 'expired';

/**
 * A request whose caller has given up is never started: it is acked and dropped. The same rule
 * holds for a request claimed from a dead replica, so a claim never outlives the caller.
 */
export function admit(entry: Pick<RequestEntry, 'deadline'>, now: number): Admission {
  return now < entry.deadline ? 'start' : 'expired';
}

/** XADD's `MINID ~` bound: older entries are past every possible deadline. */
export function trimMinId(now: number, retentionMs = STREAM_RETENTION_MS): string {
  return `${Math.max(0, now - retentionMs)}-0`;
}

export interface ConsumerInfo {
  name: string;
  pending: number;
  idle: number;
}

/** XINFO CONSUMERS' flat `[name, n, pending, p, idle, i, …]` rows. */
export function decodeConsumers(reply: unknown): ConsumerInfo[] {
  if (!Array.isArray(reply)) return [];
  return reply.flatMap((row: unknown) => {
    const fields = new Map<unknown, unknown>();
    if (Array.isArray(row))
      for (let i = 0; i + 1 < row.length; i += 2) fields.set(row[i], row[i + 1]);
    const name = fields.get('name');
    if (typeof name !== 'string') return [];
    return [{ name, pending: Number(fields.get('pending')), idle: Number(fields.get('idle')) }];
  });
}

/**
 * Consumers left by replicas that are gone (each start is a new consumer name): nothing
 * pending (what they held has been claimed) and silent for longer than any live replica is.
 */
export function staleConsumers(consumers: ConsumerInfo[], self: string, idleMs: number): string[] {
  return consumers
    .filter((c) => c.name !== self && c.pending === 0 && c.idle > idleMs)
    .map((c) => c.name);
}
