import { SearchScreen } from '@/features/gallery/components/search-screen';

/** Search is the gallery's: the same grid, filters and actions over the matching images. */
export function SearchRoute() {
  return <SearchScreen />;
}
