import type { Dictionary } from '../dictionary';
import type { ko } from '../ko';
import { app, common, errors, nav, notFound, prefs } from './common';
import { auth, forgotPassword, resetPassword, verifyEmail } from './auth';
import { generate } from './generate';
import { gallery, search } from './gallery';
import { queue } from './queue';
import { credits, creditsPage, subscription } from './credits';
import { apiKeys } from './account';
import { admin } from './admin';
import { goodbye, settings } from './settings';

/** English, one file per feature, each part typed by its Korean twin in ko/. */
export const en: Dictionary<typeof ko> = {
  app,
  common,
  nav,
  prefs,
  auth,
  errors,
  notFound,
  credits,
  gallery,
  search,
  creditsPage,
  apiKeys,
  queue,
  admin,
  generate,
  forgotPassword,
  resetPassword,
  verifyEmail,
  subscription,
  settings,
  goodbye,
};
