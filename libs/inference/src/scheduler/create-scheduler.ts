import { EulerDiscreteScheduler } from './euler-discrete';
import { LcmScheduler } from './lcm';
import type { Scheduler, SchedulerConfig } from './scheduler';

export type SchedulerKind = 'euler' | 'lcm';

const KIND_BY_CLASS: Record<string, SchedulerKind> = {
  EulerDiscreteScheduler: 'euler',
  LCMScheduler: 'lcm',
};

/**
 * The scheduler for a diffusers `scheduler_config.json`: `kind` overrides its `_class_name`
 * (e.g. running an LCM-distilled UNet from a package that ships an Euler config).
 */
export function createScheduler(config: SchedulerConfig, kind?: SchedulerKind): Scheduler {
  const chosen = kind ?? KIND_BY_CLASS[config._class_name ?? ''];
  if (chosen === 'euler') return new EulerDiscreteScheduler(config);
  if (chosen === 'lcm') return new LcmScheduler(config);
  throw new Error(
    `unsupported scheduler: ${String(config._class_name)} (expected EulerDiscreteScheduler or LCMScheduler)`,
  );
}
