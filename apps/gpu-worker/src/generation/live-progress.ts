/** Where a run stands: the step across all its images, of `steps` in all. */
export type Progress = {
  step: number;
  steps: number;
};

/** A progress event's data; some carry a preview of the image being formed. */
export type ProgressEventData = Progress | (Progress & { image: number; preview: string });

export interface ProgressRates {
  progressIntervalMs: number;
  /** 0: no previews. */
  previewIntervalMs: number;
}

/**
 * The pace of one run's progress updates: at most one per progress interval, and a preview
 * in at most one per preview interval. Previews ride the live event only (never the job or
 * the database): a few KB each.
 */
export class LiveProgress {
  private lastSent = 0;
  private lastPreview = 0;

  constructor(private readonly rates: ProgressRates) {}

  /** The update to send for this step, or undefined while the last one is too recent. */
  next(
    progress: Progress,
    image: number,
    preview: () => Buffer,
    now = Date.now(),
  ): ProgressEventData | undefined {
    if (now - this.lastSent < this.rates.progressIntervalMs) return undefined;
    this.lastSent = now;
    const { previewIntervalMs } = this.rates;
    if (!(previewIntervalMs > 0 && now - this.lastPreview >= previewIntervalMs)) return progress;
    this.lastPreview = now;
    return { ...progress, image, preview: `data:image/png;base64,${preview().toString('base64')}` };
  }
}
