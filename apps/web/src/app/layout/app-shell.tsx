import { NavLink, Outlet } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useBalance, useCurrentUser } from '@/lib/account';
import { useFormat } from '@/lib/format';
import { session } from '@/lib/session';
import { LanguageSwitcher, ThemeSwitcher } from '@/components/preferences';
import { EmailVerificationBanner } from '@/features/auth/components/email-verification-banner';

const NAV = [
  { to: '/generate', key: 'nav.generate' },
  { to: '/gallery', key: 'nav.gallery' },
  { to: '/search', key: 'nav.search' },
  { to: '/queue', key: 'nav.queue' },
  { to: '/credits', key: 'nav.credits' },
  { to: '/api-keys', key: 'nav.apiKeys' },
  { to: '/settings', key: 'nav.settings' },
] as const;

export function AppShell() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const balance = useBalance();
  const format = useFormat();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <NavLink to="/generate" className="brand">
          {t('app.name')}
        </NavLink>
        <nav aria-label={t('nav.label')} className="nav">
          {NAV.map((item) => (
            <NavLink key={item.to} to={item.to} className="nav-link">
              {t(item.key)}
            </NavLink>
          ))}
          {user?.role === 'admin' && (
            <NavLink to="/admin" className="nav-link">
              {t('nav.admin')}
            </NavLink>
          )}
        </nav>
        <div className="topbar-tools">
          {balance.data && (
            <NavLink
              to="/credits"
              className="balance-pill"
              aria-label={t('credits.balanceLabel', { count: balance.data.available })}
            >
              {t('credits.short', { amount: format.number(balance.data.available) })}
            </NavLink>
          )}
          <LanguageSwitcher />
          <ThemeSwitcher />
          <button type="button" className="btn btn-ghost" onClick={() => void session.signOut()}>
            {t('auth.signOut')}
          </button>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <EmailVerificationBanner />
        <Outlet />
      </main>
    </div>
  );
}
