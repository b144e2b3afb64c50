import { useTranslation } from 'react-i18next';

/** Numbers, money and dates in the reader's language (Intl), never by hand. */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage === 'en' ? 'en-US' : 'ko-KR';
  return {
    number: (n: number) => new Intl.NumberFormat(locale).format(n),
    usd: (cents: number) =>
      new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD' }).format(cents / 100),
    dateTime: (iso: string) =>
      new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
        new Date(iso),
      ),
    seconds: (s: number) =>
      new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', unitDisplay: 'long' }).format(
        s,
      ),
  };
}
