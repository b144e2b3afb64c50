import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { Button } from '@/components/button';
import { Dialog } from '@/components/dialog';
import { ErrorNotice } from '@/components/error-notice';
import { Page } from '@/components/page';
import { SelectField } from '@/components/select-field';
import { Spinner } from '@/components/spinner';
import { isApiError } from '@/lib/errors';
import { useFormat } from '@/lib/format';
import { settingsToQuery } from '@/lib/generation-settings';
import type { GalleryImage } from '@/types/api';
import { useBoards } from '../api/boards';
import { useDeleteImages, useImage, useUpdateImage } from '../api/images';
import { downloadUrl } from '../download-url';

/** One image: the full picture, how it was made, and what can be done with it. */
export function ImageDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const image = useImage(id);
  if (image.isPending) return <Spinner />;
  const missing =
    isApiError(image.error, 'NOT_FOUND') || isApiError(image.error, 'VALIDATION_FAILED');
  if (missing || !image.data) {
    return (
      <Page title={t('notFound.title')}>
        {missing ? <p>{t('gallery.notFound')}</p> : <ErrorNotice error={image.error} />}
        <Link to="/gallery">{t('gallery.back')}</Link>
      </Page>
    );
  }
  return <Detail image={image.data} />;
}

function Detail({ image }: { image: GalleryImage }) {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const boards = useBoards();
  const update = useUpdateImage();
  const remove = useDeleteImages();
  const [confirming, setConfirming] = useState(false);
  const reuse = settingsToQuery({
    prompt: image.prompt,
    negativePrompt: image.negativePrompt ?? undefined,
    modelId: image.model.id,
    width: image.width,
    height: image.height,
    steps: image.steps,
    guidanceScale: image.guidanceScale,
    seed: image.seed,
  });
  return (
    <Page
      title={t('gallery.detailTitle')}
      actions={
        <Link to="/gallery" className="btn">
          {t('gallery.back')}
        </Link>
      }
    >
      <div className="detail-layout">
        <figure className="detail-image">
          <img src={image.urls.file} alt={image.prompt} width={image.width} height={image.height} />
        </figure>
        <div className="card stack">
          <h2 className="detail-prompt" lang="ko">
            {image.prompt}
          </h2>
          <dl className="params">
            <dt>{t('gallery.negativePrompt')}</dt>
            <dd>{image.negativePrompt || t('common.none')}</dd>
            <dt>{t('gallery.model')}</dt>
            <dd>{image.model.name}</dd>
            <dt>{t('gallery.size')}</dt>
            <dd>{t('generate.sizeValue', { width: image.width, height: image.height })}</dd>
            <dt>{t('gallery.steps')}</dt>
            <dd>{image.steps}</dd>
            <dt>{t('gallery.guidance')}</dt>
            <dd>{image.guidanceScale}</dd>
            <dt>{t('gallery.seed')}</dt>
            <dd>{image.seed}</dd>
            <dt>{t('gallery.created')}</dt>
            <dd>{format.dateTime(image.createdAt)}</dd>
          </dl>
          <div className="row">
            <Button
              aria-pressed={image.starred}
              onClick={() => update.mutate({ id: image.id, patch: { starred: !image.starred } })}
            >
              {image.starred ? t('gallery.unstarAction') : t('gallery.starAction')}
            </Button>
            <a
              className="btn"
              href={downloadUrl(image.urls.file)}
              download={`pingvas-${image.id}.png`}
            >
              {t('gallery.download')}
            </a>
            <Link className="btn btn-primary" to={`/generate?${reuse}`}>
              {t('gallery.reuse')}
            </Link>
          </div>
          <SelectField
            label={t('gallery.board')}
            value={image.boardId ?? ''}
            onChange={(e) =>
              update.mutate({ id: image.id, patch: { boardId: e.target.value || null } })
            }
          >
            <option value="">{t('gallery.noBoard')}</option>
            {(boards.data ?? []).map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </SelectField>
          <ErrorNotice error={update.error ?? remove.error} />
          <Button variant="danger" onClick={() => setConfirming(true)}>
            {t('common.delete')}
          </Button>
        </div>
      </div>
      <Dialog
        open={confirming}
        title={t('gallery.deleteTitle')}
        onClose={() => setConfirming(false)}
      >
        <p>{t('gallery.deleteBody', { count: 1 })}</p>
        <div className="row">
          <Button
            variant="danger"
            busy={remove.isPending}
            onClick={() =>
              remove.mutate([image.id], {
                onSuccess: () => navigate('/gallery', { replace: true }),
              })
            }
          >
            {t('common.delete')}
          </Button>
          <Button onClick={() => setConfirming(false)}>{t('common.cancel')}</Button>
        </div>
      </Dialog>
    </Page>
  );
}
