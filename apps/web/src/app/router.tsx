import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { AppShell } from './layout/app-shell';
import { FullPageSpinner, PublicOnly, RequireAdmin, RequireSession } from './layout/guards';
import { NotFoundRoute } from './routes/not-found';
import { RouteError } from './routes/route-error';

/** Every screen is its own chunk (React.lazy through the router): the first load stays small. */
const router = createBrowserRouter([
  {
    errorElement: <RouteError />,
    hydrateFallbackElement: <FullPageSpinner />,
    children: [
      {
        element: <PublicOnly />,
        children: [
          {
            path: '/signin',
            lazy: () => import('./routes/sign-in').then((m) => ({ Component: m.SignInRoute })),
          },
          {
            path: '/signup',
            lazy: () => import('./routes/sign-up').then((m) => ({ Component: m.SignUpRoute })),
          },
          {
            path: '/forgot-password',
            lazy: () =>
              import('./routes/forgot-password').then((m) => ({
                Component: m.ForgotPasswordRoute,
              })),
          },
        ],
      },
      // The mailed links open signed in or not; the goodbye screen follows a deletion.
      {
        path: '/verify-email',
        lazy: () =>
          import('./routes/verify-email').then((m) => ({ Component: m.VerifyEmailRoute })),
      },
      {
        path: '/reset-password',
        lazy: () =>
          import('./routes/reset-password').then((m) => ({ Component: m.ResetPasswordRoute })),
      },
      {
        path: '/goodbye',
        lazy: () => import('./routes/goodbye').then((m) => ({ Component: m.GoodbyeRoute })),
      },
      {
        element: <RequireSession />,
        children: [
          {
            element: <AppShell />,
            children: [
              { index: true, element: <Navigate to="/generate" replace /> },
              {
                path: '/generate',
                lazy: () =>
                  import('./routes/generate').then((m) => ({ Component: m.GenerateRoute })),
              },
              {
                path: '/gallery',
                lazy: () => import('./routes/gallery').then((m) => ({ Component: m.GalleryRoute })),
              },
              {
                path: '/gallery/:imageId',
                lazy: () => import('./routes/image').then((m) => ({ Component: m.ImageRoute })),
              },
              {
                path: '/search',
                lazy: () => import('./routes/search').then((m) => ({ Component: m.SearchRoute })),
              },
              {
                path: '/queue',
                lazy: () => import('./routes/queue').then((m) => ({ Component: m.QueueRoute })),
              },
              {
                path: '/credits',
                lazy: () => import('./routes/credits').then((m) => ({ Component: m.CreditsRoute })),
              },
              {
                path: '/api-keys',
                lazy: () =>
                  import('./routes/api-keys').then((m) => ({ Component: m.ApiKeysRoute })),
              },
              {
                path: '/settings',
                lazy: () =>
                  import('./routes/settings').then((m) => ({ Component: m.SettingsRoute })),
              },
              {
                element: <RequireAdmin />,
                children: [
                  {
                    path: '/admin',
                    lazy: () => import('./routes/admin').then((m) => ({ Component: m.AdminRoute })),
                  },
                ],
              },
              { path: '*', Component: NotFoundRoute },
            ],
          },
        ],
      },
    ],
  },
]);

export function AppRouter() {
  return <RouterProvider router={router} />;
}
