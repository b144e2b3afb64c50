import { AdminScreen } from '@/features/admin/components/admin-screen';

export function AdminRoute() {
  return <AdminScreen />;
}
