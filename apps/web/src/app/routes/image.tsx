import { useParams } from 'react-router';
import { ImageDetail } from '@/features/gallery/components/image-detail';

export function ImageRoute() {
  const { imageId = '' } = useParams();
  return <ImageDetail key={imageId} id={imageId} />;
}
