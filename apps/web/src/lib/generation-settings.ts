/**
 * The settings of a generation as a URL query (`/generate?prompt=…&seed=…`): how the gallery's
 * "use these settings" fills the Generate form without the features importing each other, and
 * a link someone can keep.
 */
export interface GenerationSettings {
  prompt: string;
  negativePrompt?: string;
  modelId?: string;
  width?: number;
  height?: number;
  steps?: number;
  guidanceScale?: number;
  seed?: number;
}

const NUMBERS = ['width', 'height', 'steps', 'guidanceScale', 'seed'] as const;

export function settingsToQuery(settings: GenerationSettings): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(settings)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  return params.toString();
}

export function settingsFromQuery(params: URLSearchParams): Partial<GenerationSettings> | null {
  if (!params.has('prompt')) return null;
  const out: Partial<GenerationSettings> = { prompt: params.get('prompt') ?? '' };
  const negative = params.get('negativePrompt');
  if (negative) out.negativePrompt = negative;
  const model = params.get('modelId');
  if (model) out.modelId = model;
  for (const key of NUMBERS) {
    const value = Number(params.get(key));
    if (params.has(key) && Number.isFinite(value)) out[key] = value;
  }
  return out;
}
