import type { AppEnv } from '@pingvas/common';
import type Redis from 'ioredis';

/** What a logger needs here (Nest's Logger fits). */
export interface PersistenceLog {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const NO_AOF_WARNING =
  'REDIS RUNS WITHOUT AOF (appendonly no): a Redis restart loses every queued job, job ' +
  'scheduler and unconsumed result. Production Redis must run with appendonly yes ' +
  '(see README: Redis).';

/**
 * In prod, says loudly when Redis runs without the append-only file: queues, job schedulers and
 * results live only in Redis, and a restart without persistence loses them. Managed Redis
 * often disables CONFIG; that is said once and tolerated. Never throws.
 */
export async function checkRedisPersistence(
  redis: Pick<Redis, 'config'>,
  appEnv: AppEnv,
  log: PersistenceLog,
): Promise<void> {
  if (appEnv !== 'prod') return;
  let answer: unknown;
  try {
    answer = await redis.config('GET', 'appendonly');
  } catch (err) {
    log.warn(
      `cannot read Redis's appendonly setting (${String(err)}; CONFIG is often disabled on managed Redis): make sure AOF is on`,
    );
    return;
  }
  const value = Array.isArray(answer) ? answer[1] : undefined;
  if (value === 'yes') log.log('Redis persists with AOF (appendonly yes)');
  else if (value === 'no') log.error(NO_AOF_WARNING);
  else log.warn(`Redis did not say whether AOF is on (CONFIG GET appendonly: ${String(answer)})`);
}
