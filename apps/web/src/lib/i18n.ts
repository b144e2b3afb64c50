import i18n from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import { en } from '@/locales/en';
import { ko } from '@/locales/ko';

export const LANGUAGES = ['ko', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'pingvas.language';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof ko };
  }
}

/**
 * Korean first: Korean when the browser prefers it or names no language the app has, English
 * when it prefers English; the switcher's choice is remembered (a preference, not a secret).
 */
void i18n
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources: { ko: { translation: ko }, en: { translation: en } },
    supportedLngs: [...LANGUAGES],
    nonExplicitSupportedLngs: true,
    load: 'languageOnly',
    fallbackLng: 'ko',
    interpolation: { escapeValue: false },
    detection: {
      order: ['localStorage', 'navigator'],
      lookupLocalStorage: STORAGE_KEY,
      caches: ['localStorage'],
    },
    returnNull: false,
  });

const syncHtmlLang = (lng: string) => {
  document.documentElement.lang = lng.startsWith('en') ? 'en' : 'ko';
};
syncHtmlLang(i18n.resolvedLanguage ?? 'ko');
i18n.on('languageChanged', syncHtmlLang);

export function currentLanguage(): Language {
  return i18n.resolvedLanguage === 'en' ? 'en' : 'ko';
}

export { i18n };
