import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '@/components/button';
import { Dialog } from '@/components/dialog';
import { ErrorNotice } from '@/components/error-notice';
import { SelectField } from '@/components/select-field';
import { useBoards } from '../api/boards';
import { useDeleteImages, useMoveImages } from '../api/images';

/** What can be done with the selected images: move them to a board, or delete them. */
export function SelectionBar({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const { t } = useTranslation();
  const boards = useBoards();
  const move = useMoveImages();
  const remove = useDeleteImages();
  const [target, setTarget] = useState('');
  const [confirming, setConfirming] = useState(false);
  if (ids.length === 0) return null;
  return (
    <div className="selection-bar" role="region" aria-label={t('gallery.selection')}>
      <strong aria-live="polite">{t('gallery.selected', { count: ids.length })}</strong>
      <SelectField
        label={t('gallery.moveTo')}
        hideLabel
        value={target}
        onChange={(e) => setTarget(e.target.value)}
      >
        <option value="">{t('gallery.moveTo')}</option>
        <option value="none">{t('gallery.noBoard')}</option>
        {(boards.data ?? []).map((b) => (
          <option key={b.id} value={b.id}>
            {b.name}
          </option>
        ))}
      </SelectField>
      <Button
        disabled={!target}
        busy={move.isPending}
        onClick={() =>
          move.mutate(
            { ids, boardId: target === 'none' ? null : target },
            { onSuccess: () => (setTarget(''), onDone()) },
          )
        }
      >
        {t('gallery.move')}
      </Button>
      <Button variant="danger" onClick={() => setConfirming(true)}>
        {t('gallery.deleteSelected')}
      </Button>
      <Button variant="ghost" onClick={onDone}>
        {t('gallery.clearSelection')}
      </Button>
      <ErrorNotice error={move.error ?? remove.error} />
      <Dialog
        open={confirming}
        title={t('gallery.deleteTitle')}
        onClose={() => setConfirming(false)}
      >
        <p>{t('gallery.deleteBody', { count: ids.length })}</p>
        <div className="row">
          <Button
            variant="danger"
            busy={remove.isPending}
            onClick={() =>
              remove.mutate(ids, { onSuccess: () => (setConfirming(false), onDone()) })
            }
          >
            {t('common.delete')}
          </Button>
          <Button onClick={() => setConfirming(false)}>{t('common.cancel')}</Button>
        </div>
      </Dialog>
    </div>
  );
}
