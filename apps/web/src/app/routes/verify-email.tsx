import { useSearchParams } from 'react-router';
import { VerifyEmailScreen } from '@/features/auth/components/verify-email-screen';

/** `/verify-email?token=…`, the link in the verification mail (signed in or not). */
export function VerifyEmailRoute() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  return <VerifyEmailScreen key={token} token={token} />;
}
