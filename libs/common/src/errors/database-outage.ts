/**
 * SQLSTATEs that say the server cannot serve anyone now, not that this statement is wrong:
 * class 08 (connection exception), 53300 (too many connections), 57P01-57P03 (shut down by
 * an operator, crashed, starting up or shutting down).
 */
const UNAVAILABLE_SQLSTATES = new Set([
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
  '57P01',
  '57P02',
  '57P03',
]);

/** How a socket to the server fails when the server is stopped, restarting or unreachable. */
const NETWORK_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** What node-postgres and its pool throw, with no code, when a connection is lost or none is free. */
const PG_CLIENT_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|Client was closed and is not queryable|Query read timeout)/;

/**
 * The error itself, the `driverError` under TypeORM's QueryFailedError, and the parts of an
 * AggregateError (a connect tried on several addresses). Not `cause`: fetch puts the socket's
 * errno there, and an HTTP upstream that is down is not the database.
 */
function* layersOf(err: unknown, depth = 0): Generator<Record<string, unknown>> {
  if (typeof err !== 'object' || err === null || depth > 4) return;
  const layer = err as Record<string, unknown>;
  yield layer;
  yield* layersOf(layer.driverError, depth + 1);
  if (Array.isArray(layer.errors))
    for (const part of layer.errors) yield* layersOf(part, depth + 1);
}

/**
 * True when `err` means PostgreSQL cannot be reached or is not taking work right now (stopped,
 * restarting, out of connections), as opposed to a query that is wrong. Such errors answer 503
 * DATABASE_UNAVAILABLE with Retry-After instead of 500, and jobs that meet them wait instead of
 * spending an attempt. A socket errno alone cannot name its server; the stores that reject a
 * command with one are the database's (Redis clients report lost connections as events).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (const layer of layersOf(err)) {
    const code = layer.code;
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.has(code) || NETWORK_ERRNOS.has(code)))
      return true;
    if (typeof layer.message === 'string' && PG_CLIENT_MESSAGES.test(layer.message)) return true;
  }
  return false;
}
