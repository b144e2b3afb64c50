import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/** Where onnxruntime-node keeps its native libraries for this platform. */
export function onnxRuntimeLibraryDir(): string {
  const pkg = dirname(require.resolve('onnxruntime-node/package.json'));
  return join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
}

/** The native library each provider beyond the CPU needs next to onnxruntime's own. */
const PROVIDER_LIBRARY: Readonly<Record<Exclude<ProviderName, 'cpu'>, string>> = {
  cuda: 'libonnxruntime_providers_cuda.so',
};

/**
 * Whether `provider` can be asked for at all. Asking ONNX Runtime for CUDA where its provider
 * library is not installed (every CPU machine: `.npmrc` skips the CUDA download) makes it print a
 * red "Failed to load libonnxruntime_providers_shared.so" from native code, whatever the session's
 * log level, so an uninstalled provider is never asked for.
 */
export function isProviderInstalled(
  provider: ProviderName,
  libraryDir: string = onnxRuntimeLibraryDir(),
): boolean {
  return provider === 'cpu' || existsSync(join(libraryDir, PROVIDER_LIBRARY[provider]));
}

/**
 * Opens a graph with the first installed provider that loads, in order. onnxruntime-node throws
 * when a provider cannot start (a CUDA build without a usable GPU), so each is tried alone and
 * the next one is the fallback.
 */
export async function openSession(
  path: string,
  wanted: readonly ProviderName[],
  installed: (provider: ProviderName) => boolean = (p) => isProviderInstalled(p),
): Promise<{ session: InferenceSession; provider: ProviderName }> {
  const failures = wanted
    .filter((provider) => !installed(provider))
    .map((provider) => `${provider}: its provider library is not installed`);
  const providers = wanted.filter(installed);
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
