import { useTranslation } from 'react-i18next';
import { SelectField } from '@/components/select-field';
import { useModels } from '@/lib/account';
import type { ImageFilters } from '../api/images';
import { useBoards } from '../api/boards';

export function GalleryFilters({
  filters,
  onChange,
}: {
  filters: ImageFilters;
  onChange: (patch: Partial<ImageFilters>) => void;
}) {
  const { t } = useTranslation();
  const boards = useBoards();
  const models = useModels();
  return (
    <div className="filters" role="group" aria-label={t('gallery.filters')}>
      <SelectField
        label={t('gallery.board')}
        value={filters.boardId ?? ''}
        onChange={(e) => onChange({ boardId: e.target.value || undefined })}
      >
        <option value="">{t('gallery.allBoards')}</option>
        <option value="none">{t('gallery.noBoard')}</option>
        {(boards.data ?? []).map((b) => (
          <option key={b.id} value={b.id}>
            {t('gallery.boardOption', { name: b.name, count: b.imageCount })}
          </option>
        ))}
      </SelectField>
      <SelectField
        label={t('gallery.model')}
        value={filters.modelId ?? ''}
        onChange={(e) => onChange({ modelId: e.target.value || undefined })}
      >
        <option value="">{t('gallery.allModels')}</option>
        {(models.data ?? []).map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
          </option>
        ))}
      </SelectField>
      <label className="filter-check">
        <input
          type="checkbox"
          checked={filters.starred ?? false}
          onChange={(e) => onChange({ starred: e.target.checked || undefined })}
        />
        <span>{t('gallery.starredOnly')}</span>
      </label>
    </div>
  );
}
