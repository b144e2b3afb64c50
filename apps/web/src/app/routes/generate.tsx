import { GenerateScreen } from '@/features/generate/components/generate-screen';

export function GenerateRoute() {
  return <GenerateScreen />;
}
