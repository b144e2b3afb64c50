import type { Dictionary } from '../dictionary';
import type { ko } from '../ko';
import { app, common, errors, nav, notFound, prefs } from './common';
import { auth } from './auth';
import { generate } from './generate';
import { gallery, search } from './gallery';
import { queue } from './queue';
import { credits, creditsPage } from './credits';
import { apiKeys } from './account';
import { admin } from './admin';

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
};
