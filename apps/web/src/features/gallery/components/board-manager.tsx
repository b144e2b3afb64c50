import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '@/components/button';
import { Dialog } from '@/components/dialog';
import { ErrorNotice } from '@/components/error-notice';
import { Field } from '@/components/field';
import { isApiError } from '@/lib/errors';
import type { Board } from '@/types/api';
import { useBoards, useCreateBoard, useDeleteBoard, useRenameBoard } from '../api/boards';

const MAX_NAME = 100;

/** Boards: make one, rename, delete (keeping or deleting its images), open one. */
export function BoardManager({ onOpen }: { onOpen: (boardId: string) => void }) {
  const { t } = useTranslation();
  const boards = useBoards();
  const create = useCreateBoard();
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string>();
  const [renaming, setRenaming] = useState<Board | null>(null);
  const [deleting, setDeleting] = useState<Board | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return setNameError(t('gallery.boardNameRequired'));
    if (trimmed.length > MAX_NAME)
      return setNameError(t('gallery.boardNameTooLong', { max: MAX_NAME }));
    setNameError(undefined);
    create.mutate(trimmed, { onSuccess: () => setName('') });
  };

  return (
    <section className="card stack" aria-labelledby="boards-title">
      <h2 id="boards-title">{t('gallery.boards')}</h2>
      <form className="row board-create" onSubmit={submit} noValidate>
        <Field
          label={t('gallery.newBoard')}
          error={
            nameError ??
            (isApiError(create.error, 'BOARD_NAME_TAKEN')
              ? t('errors.BOARD_NAME_TAKEN')
              : undefined)
          }
        >
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              value={name}
              maxLength={MAX_NAME + 1}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Button type="submit" busy={create.isPending}>
          {t('gallery.createBoard')}
        </Button>
      </form>
      {!isApiError(create.error, 'BOARD_NAME_TAKEN') && <ErrorNotice error={create.error} />}
      <ul className="board-list">
        {(boards.data ?? []).map((board) => (
          <li key={board.id} className="board-item">
            {board.cover ? (
              <img
                src={board.cover.thumbnail}
                alt=""
                width={40}
                height={40}
                className="board-cover"
              />
            ) : (
              <span className="board-cover" aria-hidden="true" />
            )}
            <button
              type="button"
              className="btn btn-ghost board-open"
              onClick={() => onOpen(board.id)}
            >
              {t('gallery.boardOption', { name: board.name, count: board.imageCount })}
            </button>
            <Button
              variant="ghost"
              onClick={() => setRenaming(board)}
              aria-label={t('gallery.renameBoardNamed', { name: board.name })}
            >
              {t('gallery.rename')}
            </Button>
            <Button
              variant="ghost"
              onClick={() => setDeleting(board)}
              aria-label={t('gallery.deleteBoardNamed', { name: board.name })}
            >
              {t('common.delete')}
            </Button>
          </li>
        ))}
      </ul>
      {renaming && <RenameDialog board={renaming} onClose={() => setRenaming(null)} />}
      {deleting && <DeleteDialog board={deleting} onClose={() => setDeleting(null)} />}
    </section>
  );
}

function RenameDialog({ board, onClose }: { board: Board; onClose: () => void }) {
  const { t } = useTranslation();
  const rename = useRenameBoard();
  const [name, setName] = useState(board.name);
  const [error, setError] = useState<string>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return setError(t('gallery.boardNameRequired'));
    if (trimmed.length > MAX_NAME)
      return setError(t('gallery.boardNameTooLong', { max: MAX_NAME }));
    rename.mutate({ id: board.id, name: trimmed }, { onSuccess: onClose });
  };
  return (
    <Dialog open title={t('gallery.renameBoard')} onClose={onClose}>
      <form className="stack" onSubmit={submit} noValidate>
        <Field
          label={t('gallery.boardName')}
          error={
            error ??
            (isApiError(rename.error, 'BOARD_NAME_TAKEN')
              ? t('errors.BOARD_NAME_TAKEN')
              : undefined)
          }
        >
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              value={name}
              autoFocus
              aria-describedby={describedBy}
              aria-invalid={invalid}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        {!isApiError(rename.error, 'BOARD_NAME_TAKEN') && <ErrorNotice error={rename.error} />}
        <Button type="submit" variant="primary" busy={rename.isPending}>
          {t('common.save')}
        </Button>
      </form>
    </Dialog>
  );
}

function DeleteDialog({ board, onClose }: { board: Board; onClose: () => void }) {
  const { t } = useTranslation();
  const remove = useDeleteBoard();
  const [includeImages, setIncludeImages] = useState(false);
  return (
    <Dialog open title={t('gallery.deleteBoard')} onClose={onClose}>
      <div className="stack">
        <p>{t('gallery.deleteBoardBody', { name: board.name })}</p>
        <label className="inline">
          <input
            type="checkbox"
            checked={includeImages}
            onChange={(e) => setIncludeImages(e.target.checked)}
          />
          {t('gallery.deleteBoardImages', { count: board.imageCount })}
        </label>
        <ErrorNotice error={remove.error} />
        <div className="row">
          <Button
            variant="danger"
            busy={remove.isPending}
            onClick={() => remove.mutate({ id: board.id, includeImages }, { onSuccess: onClose })}
          >
            {t('common.delete')}
          </Button>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
        </div>
      </div>
    </Dialog>
  );
}
