import { type Env, envInt, loadServiceConfig } from '@pingvas/common';
import { SERVICES } from '@pingvas/contracts';
import { loadStorageConfig } from '@pingvas/storage';

const generationEnv = {
  /** Submissions per user per minute (on top of the plan's jobs-in-flight limit). */
  GENERATION_RATE_LIMIT_PER_MINUTE: envInt(1, 100_000).default(60),
  /** How long credits stay held for a queued job before payment-service lets them go. */
  RESERVATION_HOLD_MINUTES: envInt(1, 7 * 24 * 60).default(24 * 60),
  /** How often the sweeper reconciles generations with their jobs and retries settlements. */
  GENERATION_SWEEP_INTERVAL_MS: envInt(100, 3_600_000).default(30_000),
  /** A queued or running generation younger than this is never judged lost. */
  GENERATION_SWEEP_GRACE_MS: envInt(0, 3_600_000).default(60_000),
  /**
   * Longest a user's plan or a resolved model is kept without asking again (0: never kept).
   * Changes announced by payment-service and model-service apply at once; this bounds the rest.
   */
  CATALOGUE_CACHE_TTL_MS: envInt(0, 3_600_000).default(30_000),
  /** Longest an SSE stream stays open (a client reconnects and gets the current state). */
  SSE_MAX_MS: envInt(1000, 3_600_000).default(15 * 60_000),
};

export function loadGenerationServiceConfig(env: Env) {
  const { name, port } = SERVICES.generation;
  return loadServiceConfig(name, port, env, generationEnv, (e) => ({
    generation: {
      rateLimitPerMinute: e.GENERATION_RATE_LIMIT_PER_MINUTE,
      holdMinutes: e.RESERVATION_HOLD_MINUTES,
      sweepIntervalMs: e.GENERATION_SWEEP_INTERVAL_MS,
      sweepGraceMs: e.GENERATION_SWEEP_GRACE_MS,
      sseMaxMs: e.SSE_MAX_MS,
      catalogueCacheTtlMs: e.CATALOGUE_CACHE_TTL_MS,
    },
    /** The blob store the worker writes PNGs to: read to adopt a lost job's finished images. */
    storage: loadStorageConfig(name, env),
  }));
}

export type GenerationServiceConfig = ReturnType<typeof loadGenerationServiceConfig>;
