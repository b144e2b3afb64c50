import { NotFoundRoute } from './not-found';

export function AdminRoute() {
  return <NotFoundRoute />;
}
