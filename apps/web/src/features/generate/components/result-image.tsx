import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Spinner } from '@/components/spinner';
import { useResultImage } from '../api/generations';

/** One finished image, linked to its page in the gallery. */
export function ResultImage({ id, prompt }: { id: string; prompt: string }) {
  const { t } = useTranslation();
  const image = useResultImage(id);
  if (!image.data)
    return (
      <div className="result-image pending">
        {image.isError ? t('generate.imageMissing') : <Spinner />}
      </div>
    );
  return (
    <Link to={`/gallery/${id}`} className="result-image">
      <img
        src={image.data.urls.thumbnail}
        alt={t('generate.resultAlt', { prompt })}
        width={image.data.width}
        height={image.data.height}
      />
    </Link>
  );
}
