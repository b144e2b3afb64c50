import { NotFoundRoute } from './not-found';

export function GalleryRoute() {
  return <NotFoundRoute />;
}
