import type { SchedulerConfig } from './scheduler';

/** stabilityai/sd-turbo `scheduler/scheduler_config.json`, verbatim (the tiny model ships it too). */
export const SD_TURBO_SCHEDULER_CONFIG: SchedulerConfig = {
  _class_name: 'EulerDiscreteScheduler',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  interpolation_type: 'linear',
  num_train_timesteps: 1000,
  prediction_type: 'epsilon',
  steps_offset: 1,
  timestep_spacing: 'trailing',
  trained_betas: null,
  use_karras_sigmas: false,
};
