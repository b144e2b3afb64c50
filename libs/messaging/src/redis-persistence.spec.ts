import { ReplyError } from 'ioredis';
import { checkRedisPersistence, NO_AOF_WARNING, type PersistenceLog } from './redis-persistence';

function recordingLog() {
  const lines: [keyof PersistenceLog, string][] = [];
  const log: PersistenceLog = {
    log: (m) => void lines.push(['log', m]),
    warn: (m) => void lines.push(['warn', m]),
    error: (m) => void lines.push(['error', m]),
  };
  return { log, lines };
}

const redisAnswering = (answer: () => Promise<unknown>) => ({
  config: jest.fn(answer) as never,
});

describe('checkRedisPersistence', () => {
  it('logs an error naming AOF when a prod Redis runs with appendonly no', async () => {
    const { log, lines } = recordingLog();
    const redis = redisAnswering(async () => ['appendonly', 'no']);
    await checkRedisPersistence(redis, 'prod', log);
    expect(lines).toEqual([['error', NO_AOF_WARNING]]);
    expect(redis.config).toHaveBeenCalledWith('GET', 'appendonly');
  });

  it('says AOF is on when it is', async () => {
    const { log, lines } = recordingLog();
    await checkRedisPersistence(
      redisAnswering(async () => ['appendonly', 'yes']),
      'prod',
      log,
    );
    expect(lines).toEqual([['log', expect.stringContaining('appendonly yes')]]);
  });

  it('tolerates CONFIG being disabled (managed Redis) with one warning', async () => {
    const { log, lines } = recordingLog();
    const disabled = redisAnswering(async () => {
      throw new ReplyError("ERR unknown command 'CONFIG', with args beginning with: 'GET'");
    });
    await expect(checkRedisPersistence(disabled, 'prod', log)).resolves.toBeUndefined();
    expect(lines).toEqual([['warn', expect.stringContaining('make sure AOF is on')]]);
  });

  it('asks nothing outside prod (dev and test Redis may run without persistence)', async () => {
    const { log, lines } = recordingLog();
    const redis = redisAnswering(async () => ['appendonly', 'no']);
    await checkRedisPersistence(redis, 'dev', log);
    expect(lines).toEqual([]);
    expect(redis.config).not.toHaveBeenCalled();
  });
});
