import { SERVICE_NODE_FLAGS } from '../../scripts/node-flags';
import { readText } from './files';

describe('V8 flags of the service processes', () => {
  it.each(['Dockerfile', 'deploy/docker/gpu-worker/Dockerfile'])(
    'are the same in %s (NODE_OPTIONS) as in npm start and the benches',
    (dockerfile) => {
      const options = readText(dockerfile)
        .split('\n')
        .map((line) => /^ENV NODE_OPTIONS="([^"]*)"$/.exec(line.trim())?.[1])
        .filter((value) => value !== undefined);
      expect(options).toEqual([SERVICE_NODE_FLAGS.join(' ')]);
    },
  );

  it('cap the young generation below V8 default', () => {
    const semi = SERVICE_NODE_FLAGS.map((f) => /^--max-semi-space-size=(\d+)$/.exec(f)?.[1]).find(
      Boolean,
    );
    expect(Number(semi)).toBeGreaterThan(0);
    expect(Number(semi)).toBeLessThan(16);
  });
});
