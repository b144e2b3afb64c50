import { AuthForm } from '@/features/auth/components/auth-form';

export function SignInRoute() {
  return <AuthForm mode="signin" />;
}
