import { NotFoundRoute } from './not-found';

export function CreditsRoute() {
  return <NotFoundRoute />;
}
