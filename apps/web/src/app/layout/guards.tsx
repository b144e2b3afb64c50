import { Navigate, Outlet, useLocation } from 'react-router';
import { Spinner } from '@/components/spinner';
import { useSession } from '@/lib/account';
import { NotFoundRoute } from '../routes/not-found';

/** Screens of the signed-in app: wait for the cookie's restore, then sign in if there is none. */
export function RequireSession() {
  const state = useSession();
  const location = useLocation();
  if (state.status === 'restoring') return <FullPageSpinner />;
  if (state.status === 'signedOut') {
    const next = location.pathname + location.search;
    return (
      <Navigate
        to={`/signin?next=${encodeURIComponent(next)}`}
        replace
        state={{ reason: state.reason }}
      />
    );
  }
  return <Outlet />;
}

/** Sign-in and sign-up: a signed-in visitor goes where they were headed. */
export function PublicOnly() {
  const state = useSession();
  const location = useLocation();
  if (state.status === 'restoring') return <FullPageSpinner />;
  if (state.status === 'signedIn') {
    const next = new URLSearchParams(location.search).get('next');
    return (
      <Navigate
        to={next && next.startsWith('/') && !next.startsWith('//') ? next : '/generate'}
        replace
      />
    );
  }
  return <Outlet />;
}

/** Admin screens do not exist for others: they see the same page as any unknown address. */
export function RequireAdmin() {
  const state = useSession();
  if (state.status !== 'signedIn' || state.user.role !== 'admin') return <NotFoundRoute />;
  return <Outlet />;
}

export function FullPageSpinner() {
  return (
    <main className="center-page">
      <Spinner />
    </main>
  );
}
