import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language } from '@/lib/i18n';
import { setTheme, THEMES, type Theme, useTheme } from '@/lib/theme';

export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const current: Language = i18n.resolvedLanguage === 'en' ? 'en' : 'ko';
  return (
    <select
      className="compact-select"
      aria-label={t('prefs.language')}
      value={current}
      onChange={(e) => void i18n.changeLanguage(e.target.value)}
    >
      {LANGUAGES.map((lng) => (
        <option key={lng} value={lng} lang={lng}>
          {t(`prefs.languages.${lng}`)}
        </option>
      ))}
    </select>
  );
}

export function ThemeSwitcher() {
  const { t } = useTranslation();
  const theme = useTheme();
  return (
    <select
      className="compact-select"
      aria-label={t('prefs.theme')}
      value={theme}
      onChange={(e) => setTheme(e.target.value as Theme)}
    >
      {THEMES.map((value) => (
        <option key={value} value={value}>
          {t(`prefs.themes.${value}`)}
        </option>
      ))}
    </select>
  );
}
