import { NotFoundRoute } from './not-found';

export function QueueRoute() {
  return <NotFoundRoute />;
}
