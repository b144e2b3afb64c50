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
  forgotPassword: 'Forgot your password?',
};

export const forgotPassword: Dictionary<typeof ko.forgotPassword> = {
  title: 'Reset your password',
  intro: 'Enter the email you signed up with and we will send a link to set a new password.',
  submit: 'Send the reset link',
  sent: 'If an account exists for {{email}}, we sent it a mail to reset the password.',
  sentHint: 'The link works once, for an hour. No mail? Look in the spam folder too.',
  back: 'Back to sign in',
};

export const resetPassword: Dictionary<typeof ko.resetPassword> = {
  title: 'Set a new password',
  newPassword: 'New password',
  submit: 'Change password',
  done: 'Your password is changed and every device was signed out. Sign in with the new password.',
  expired: 'This reset link has expired. A link works for an hour.',
  invalid: 'This reset link is not valid or was already used.',
  again: 'Get a new reset link',
};

export const verifyEmail: Dictionary<typeof ko.verifyEmail> = {
  title: 'Email verification',
  checking: 'Verifying…',
  doneTitle: 'Your email is verified',
  done: '{{email}} is verified. You can now buy a plan and create API keys.',
  expiredTitle: 'This verification link has expired',
  expired: 'A verification link works for 24 hours. Get a new one.',
  invalidTitle: 'This verification link cannot be used',
  invalid: 'This verification link is not valid or was already used.',
  signInToResend: 'Sign in to get a new verification mail.',
  toApp: 'Go to Pingvas',
  resend: 'Resend the verification mail',
  resent: 'We sent the verification mail again. Check your inbox.',
  bannerLabel: 'Email verification',
  bannerTitle: 'Please verify {{email}}.',
  bannerBody:
    'Open the link in our mail. Buying a plan and creating API keys need a verified email.',
};
