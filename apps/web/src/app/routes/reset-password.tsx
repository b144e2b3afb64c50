import { useSearchParams } from 'react-router';
import { ResetPasswordForm } from '@/features/auth/components/reset-password-form';

/** `/reset-password?token=…`, the link in the reset mail (signed in or not). */
export function ResetPasswordRoute() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  return <ResetPasswordForm key={token} token={token} />;
}
