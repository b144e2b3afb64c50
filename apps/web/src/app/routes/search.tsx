import { NotFoundRoute } from './not-found';

export function SearchRoute() {
  return <NotFoundRoute />;
}
