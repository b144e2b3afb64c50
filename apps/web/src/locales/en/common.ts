import type { Dictionary } from '../dictionary';
import type * as ko from '../ko/common';

export const app: Dictionary<typeof ko.app> = {
  name: 'Pingvas',
  tagline: 'An AI image studio that speaks Korean',
};

export const common: Dictionary<typeof ko.common> = {
  loading: 'Loading…',
  close: 'Close',
  reload: 'Reload',
  cancel: 'Cancel',
  save: 'Save',
  delete: 'Delete',
  confirm: 'Confirm',
  loadMore: 'Load more',
  copy: 'Copy',
  copied: 'Copied',
  yes: 'Yes',
  no: 'No',
  none: 'None',
};

export const nav: Dictionary<typeof ko.nav> = {
  label: 'Main menu',
  skip: 'Skip to content',
  generate: 'Generate',
  gallery: 'Gallery',
  search: 'Search',
  queue: 'Queue',
  credits: 'Credits',
  apiKeys: 'API keys',
  settings: 'Account',
  admin: 'Admin',
};

export const prefs: Dictionary<typeof ko.prefs> = {
  language: 'Language',
  languages: { ko: '한국어', en: 'English' },
  theme: 'Theme',
  themes: { system: 'System', light: 'Light', dark: 'Dark' },
};

export const errors: Dictionary<typeof ko.errors> = {
  generic: 'Something went wrong. Please try again in a moment.',
  screenTitle: 'This screen could not be loaded',
  screenBody: 'A new version may have been deployed, or the connection dropped.',
  NETWORK: 'Cannot reach the server. Check your network.',
  VALIDATION_FAILED: 'Please check what you entered.',
  WEAK_PASSWORD: 'A password has 10 to 256 characters.',
  UNAUTHORIZED: 'Please sign in.',
  INVALID_CREDENTIALS: 'Wrong email or password.',
  INVALID_REFRESH_TOKEN: 'Your sign-in expired. Please sign in again.',
  REFRESH_REUSED: 'We signed you out to be safe. Please sign in again.',
  INSUFFICIENT_CREDITS: 'Not enough credits.',
  FORBIDDEN: 'You are not allowed to do that.',
  MODEL_TIER_FORBIDDEN: 'Your plan cannot use this model.',
  NOT_FOUND: 'Not found.',
  MODEL_NOT_FOUND: 'Model not found.',
  BOARD_NOT_FOUND: 'Board not found.',
  EMAIL_TAKEN: 'This email already has an account.',
  ALREADY_FINISHED: 'That job has already finished.',
  MODEL_DISABLED: 'This model is disabled.',
  BOARD_NAME_TAKEN: 'You already have a board with that name.',
  BAD_MODEL_PATH: 'The model path is not valid.',
  IDEMPOTENCY_MISMATCH: 'This request key was used for another request.',
  RATE_LIMITED: 'Too many requests. Please wait a moment.',
  TOO_MANY_JOBS: 'You have as many jobs running as your plan allows. Try again when one ends.',
  UPSTREAM_UNAVAILABLE: 'A service is not answering right now. Please try again soon.',
  BILLING_UNAVAILABLE: 'Payments are not available right now.',
  PAYLOAD_TOO_LARGE: 'That is too large to send.',
  TOKEN_INVALID: 'This link is not valid or was already used.',
  TOKEN_EXPIRED: 'This link has expired.',
  EMAIL_NOT_VERIFIED:
    'Please verify your email first: buying a plan and API keys need the address proven by the link in our mail.',
  EMAIL_ALREADY_VERIFIED: 'This email is already verified.',
  WRONG_PASSWORD: 'The password is wrong.',
  EXPORT_IN_PROGRESS:
    'Your data is already being prepared. We will mail you the link when it is ready.',
  NO_SUBSCRIPTION: 'You have no subscription.',
  NOT_CANCELLED: 'This subscription is not cancelled.',
  SAME_PLAN: 'You are already on this plan.',
};

export const notFound: Dictionary<typeof ko.notFound> = {
  title: 'Not found',
  body: 'The address is wrong, the item was deleted, or it is not yours to see.',
  home: 'Go to Generate',
};
