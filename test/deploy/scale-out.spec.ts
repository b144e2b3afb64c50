import { SERVICES } from '@pingvas/contracts';
import { loadUserServiceConfig } from '../../apps/user-service/src/config';
import { chartValues } from './files';

interface Values {
  env: Record<string, string>;
}

/** DESIGN §15: every process runs as N replicas on any node, with nothing on one machine's disk. */
describe('charts assume no single machine', () => {
  it.each(['dev', 'prod'] as const)(
    '%s: user-service starts only with the shared key set of its Secret, never a generated key',
    (env) => {
      const values = chartValues<Values>(SERVICES.user.name, env);
      expect(values.env.JWT_SHARED_KEYS).toBe('true');
      expect(() => loadUserServiceConfig(values.env)).toThrow(/JWT_PRIVATE_KEYS: is required/);
    },
  );
});
