import { NotFoundRoute } from './not-found';

export function ImageRoute() {
  return <NotFoundRoute />;
}
