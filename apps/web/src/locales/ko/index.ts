import { app, common, errors, nav, notFound, prefs } from './common';
import { auth, forgotPassword, resetPassword, verifyEmail } from './auth';
import { generate } from './generate';
import { gallery, search } from './gallery';
import { queue } from './queue';
import { credits, creditsPage, subscription } from './credits';
import { apiKeys } from './account';
import { admin } from './admin';
import { goodbye, settings } from './settings';

/** Korean, the app's first language, one file per feature; en/ has the same keys (typed). */
export const ko = {
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
