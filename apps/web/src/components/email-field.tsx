import type { TFunction } from 'i18next';
import type { UseFormRegisterReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Field } from './field';

/** What the API accepts as an address, checked before a request is sent. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * react-hook-form rules of every email input: required and address-shaped, plus a form's own
 * `validate` (e.g. "not the current address").
 */
export function emailRules(t: TFunction, validate?: (value: string) => true | string) {
  return {
    required: t('auth.emailRequired'),
    pattern: { value: EMAIL, message: t('auth.emailInvalid') },
    ...(validate ? { validate } : {}),
  };
}

interface EmailFieldProps {
  label?: string;
  error?: string;
  /** `register('email', emailRules(t))` of the form. */
  registration: UseFormRegisterReturn;
}

/** A labelled email input that the browser may fill in. */
export function EmailField({ label, error, registration }: EmailFieldProps) {
  const { t } = useTranslation();
  return (
    <Field label={label ?? t('auth.email')} error={error}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          type="email"
          autoComplete="email"
          aria-describedby={describedBy}
          aria-invalid={invalid}
          {...registration}
        />
      )}
    </Field>
  );
}
