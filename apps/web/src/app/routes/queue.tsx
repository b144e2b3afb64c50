import { QueueScreen } from '@/features/queue/components/queue-screen';

export function QueueRoute() {
  return <QueueScreen />;
}
