import { CreditsScreen } from '@/features/credits/components/credits-screen';

export function CreditsRoute() {
  return <CreditsScreen />;
}
