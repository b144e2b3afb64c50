import { createScheduler } from './create-scheduler';
import { EulerDiscreteScheduler } from './euler-discrete';
import { LcmScheduler } from './lcm';
import { SD_TURBO_SCHEDULER_CONFIG } from './sd-turbo';

const SD_TURBO = SD_TURBO_SCHEDULER_CONFIG;

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
