import type { TFunction } from 'i18next';

/** What user-service accepts as a new password (sign-up, reset): 10 to 256 characters. */
const PASSWORD_MIN = 10;
const PASSWORD_MAX = 256;

/** react-hook-form rules for a new password, with the messages the sign-up form shows. */
export function newPasswordRules(t: TFunction) {
  return {
    required: t('auth.passwordRequired'),
    minLength: { value: PASSWORD_MIN, message: t('errors.WEAK_PASSWORD') },
    maxLength: { value: PASSWORD_MAX, message: t('errors.WEAK_PASSWORD') },
  };
}
