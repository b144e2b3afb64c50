import type { Dictionary } from '../dictionary';
import type * as ko from '../ko/auth';

export const auth: Dictionary<typeof ko.auth> = {
  signInTitle: 'Sign in',
  signUpTitle: 'Create an account',
  signIn: 'Sign in',
  signUp: 'Sign up',
  signOut: 'Sign out',
  email: 'Email',
  password: 'Password',
  displayName: 'Name (optional)',
  displayNameTooLong: 'A name can have up to 100 characters.',
  emailRequired: 'Enter your email.',
  emailInvalid: 'That is not an email address.',
  passwordRequired: 'Enter your password.',
  passwordRule: 'Use 10 to 256 characters.',
  noAccount: 'No account yet?',
  haveAccount: 'Already have an account?',
  reusedNotice:
    'Your sign-in was used again from somewhere else, so we signed you out to be safe. Please sign in again.',
  expiredNotice: 'Your sign-in expired. Please sign in again.',
};
