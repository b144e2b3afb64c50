import { InferenceSession } from 'onnxruntime-node';

export const KNOWN_PROVIDERS = ['cuda', 'cpu'] as const;
export type ProviderName = (typeof KNOWN_PROVIDERS)[number];

/** `ORT_EXECUTION_PROVIDERS=cuda,cpu` → ['cuda', 'cpu']; unknown names are refused at boot. */
export function parseProviders(value: string): ProviderName[] {
  const names = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const unknown = names.filter((n) => !(KNOWN_PROVIDERS as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(
      `execution providers must be a list of ${KNOWN_PROVIDERS.join(', ')} (got "${value}")`,
    );
  }
  return names as ProviderName[];
}

/**
 * Opens a graph with the first provider that loads, in order. onnxruntime-node throws when a
 * provider's libraries are absent (the CUDA provider on a machine without the GPU build), so
 * each is tried alone and the next one is the fallback.
 */
export async function openSession(
  path: string,
  providers: readonly ProviderName[],
): Promise<{ session: InferenceSession; provider: ProviderName }> {
  const failures: string[] = [];
  for (const [index, provider] of providers.entries()) {
    const last = index === providers.length - 1;
    try {
      const session = await InferenceSession.create(path, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        // A provider that is only probed (a fallback follows) must not print native errors.
        ...(last ? {} : { logSeverityLevel: 4 as const }),
        // Deterministic CPU results for the same model, parameters and seed. No spin-waiting:
        // ORT's idle intra-op threads otherwise burn the cores after each run, and the
        // pipeline's own work between runs (scheduler, RGB, PNG in sharp's pool) waited for them.
        ...(provider === 'cpu'
          ? {
              intraOpNumThreads: 0,
              executionMode: 'sequential' as const,
              extra: { session: { intra_op: { allow_spinning: '0' } } },
            }
          : {}),
      });
      return { session, provider };
    } catch (err) {
      failures.push(`${provider}: ${String(err).split('\n')[0]}`);
    }
  }
  throw new Error(`no execution provider could open ${path}: ${failures.join('; ')}`);
}
