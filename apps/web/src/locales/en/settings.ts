import type { Dictionary } from '../dictionary';
import type * as ko from '../ko/settings';

export const settings: Dictionary<typeof ko.settings> = {
  title: 'Account settings',
  currentPassword: 'Current password',
  mailLanguage: {
    title: 'Mail language',
    label: 'Language of our mail',
    hint: 'The language of the mail Pingvas sends you (verification, receipts, notices). The screen language is the language menu above.',
    saved: 'Mail language saved.',
  },
  email: {
    title: 'Change email',
    current: 'Current email: {{email}}',
    pending: 'We sent a confirmation to {{email}}. Your email changes once you open its link.',
    newEmail: 'New email',
    same: 'That is the email you already use.',
    submit: 'Send the confirmation',
  },
  export: {
    title: 'Download your data',
    body: 'We gather your account, generations with their settings, credit history and every image file into one zip. When it is ready we mail you a download link that works for 24 hours.',
    submit: 'Request a data export',
    requested: 'Requested. We will mail you the link when it is ready (valid for 24 hours).',
  },
  delete: {
    title: 'Delete account',
    body: 'Deleting your account erases your images, boards, generations, API keys and subscription, and cannot be undone. Download what you need first.',
    open: 'Delete account…',
    dialogTitle: 'Delete your account?',
    warning:
      'You are signed out at once and all your data is erased. The subscription is cancelled and remaining credits are lost.',
    phraseLabel: 'To confirm, type {{phrase}}',
    phraseHint: 'The delete button turns on once this matches your email.',
    submit: 'Delete my account for good',
  },
};

export const goodbye: Dictionary<typeof ko.goodbye> = {
  title: 'Your account is deleted',
  body: 'Thank you for using Pingvas. All your data will be erased shortly.',
  mail: 'We will send a mail to confirm the deletion.',
  signUp: 'Create a new account',
};
