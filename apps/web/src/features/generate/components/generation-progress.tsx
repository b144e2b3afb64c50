import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button } from '@/components/button';
import { ErrorNotice } from '@/components/error-notice';
import { ProgressBar } from '@/components/progress-bar';
import { useCancelGeneration } from '../api/generations';
import { useGenerationEvents } from '../hooks/use-generation-events';
import { ResultImage } from './result-image';

interface GenerationProgressProps {
  id: string;
  totalSteps: number;
  prompt: string;
  position: number | null;
}

/** The job just submitted: live status, progress bar, the preview forming, cancel, results. */
export function GenerationProgress({ id, totalSteps, prompt, position }: GenerationProgressProps) {
  const { t } = useTranslation();
  const live = useGenerationEvents(id, totalSteps);
  const cancel = useCancelGeneration();
  const ref = useRef<HTMLElement>(null);
  // On a phone the form fills the screen: bring the job that was just sent into view. (A block
  // body: Chromium's scrollIntoView now returns a promise, which React would take for a cleanup.)
  useEffect(() => {
    void ref.current?.scrollIntoView({ block: 'nearest' });
  }, []);
  if (!live) return null;
  const active = live.status === 'queued' || live.status === 'running';
  return (
    <section ref={ref} className="card generation-live" aria-labelledby="live-title">
      <div className="row-between">
        <h2 id="live-title">{t('generate.liveTitle')}</h2>
        <span className={`status status-${live.status}`} role="status">
          {live.status === 'queued' && position
            ? t('generate.status.queuedAt', { position })
            : t(`generate.status.${live.status}`)}
        </span>
      </div>
      <ProgressBar value={live.step} max={live.steps} label={t('generate.progressLabel')} />
      <p className="muted">{t('generate.steps', { step: live.step, steps: live.steps })}</p>
      {live.preview && active && (
        <figure className="preview">
          <img src={live.preview} alt={t('generate.previewAlt')} />
          <figcaption className="muted">{t('generate.previewCaption')}</figcaption>
        </figure>
      )}
      {active && (
        <Button variant="danger" busy={cancel.isPending} onClick={() => cancel.mutate(id)}>
          {t('generate.cancel')}
        </Button>
      )}
      <ErrorNotice error={cancel.error} />
      {live.status === 'failed' && live.error && (
        <p className="notice notice-error" role="alert">
          {t('generate.failed', { code: live.error.code })}
        </p>
      )}
      {live.status === 'succeeded' && live.result && (
        <>
          <div className="result-grid">
            {live.result.images.map((image) => (
              <ResultImage key={image.id} id={image.id} prompt={prompt} />
            ))}
          </div>
          <Link to="/gallery">{t('generate.openGallery')}</Link>
        </>
      )}
    </section>
  );
}
