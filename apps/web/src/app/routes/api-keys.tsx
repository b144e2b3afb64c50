import { ApiKeysScreen } from '@/features/api-keys/components/api-keys-screen';

export function ApiKeysRoute() {
  return <ApiKeysScreen />;
}
