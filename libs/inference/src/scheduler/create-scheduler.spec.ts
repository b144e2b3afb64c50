import { createScheduler } from './create-scheduler';
import { EulerDiscreteScheduler } from './euler-discrete';
import { LcmScheduler } from './lcm';

const SD_TURBO = {
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

describe('createScheduler', () => {
  it('picks the class named by _class_name', () => {
    expect(createScheduler(SD_TURBO)).toBeInstanceOf(EulerDiscreteScheduler);
    expect(createScheduler({ ...SD_TURBO, _class_name: 'LCMScheduler' })).toBeInstanceOf(
      LcmScheduler,
    );
  });

  it('lets the caller override the class', () => {
    const lcm = createScheduler(SD_TURBO, 'lcm');
    expect(lcm).toBeInstanceOf(LcmScheduler);
    lcm.setTimesteps(4);
    expect(lcm.timesteps).toEqual([999, 759, 499, 259]);
    expect(createScheduler({ ...SD_TURBO, _class_name: 'LCMScheduler' }, 'euler')).toBeInstanceOf(
      EulerDiscreteScheduler,
    );
  });

  it('refuses an unknown scheduler class', () => {
    expect(() => createScheduler({ ...SD_TURBO, _class_name: 'DDIMScheduler' })).toThrow(
      /DDIMScheduler/,
    );
  });
});
