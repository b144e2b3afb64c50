import { AuthForm } from '@/features/auth/components/auth-form';

export function SignUpRoute() {
  return <AuthForm mode="signup" />;
}
