import { NotFoundRoute } from './not-found';

export function ApiKeysRoute() {
  return <NotFoundRoute />;
}
