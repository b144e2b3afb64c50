import { GalleryScreen } from '@/features/gallery/components/gallery-screen';

export function GalleryRoute() {
  return <GalleryScreen />;
}
