import { type FormEvent, type KeyboardEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '@/components/button';
import { useSuggestions } from '../api/images';
import { useDebounced } from '../hooks/use-debounced';

/**
 * A search field with suggestions as you type (the WAI-ARIA combobox pattern: arrows move
 * through the list, Enter picks, Escape closes). Korean words and 초성 (ㄱㅇㅇ) both work.
 */
export function SearchBox({
  initial,
  onSearch,
}: {
  initial: string;
  onSearch: (q: string) => void;
}) {
  const { t } = useTranslation();
  const listId = useId();
  const [text, setText] = useState(initial);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const debounced = useDebounced(text.trim(), 150);
  const suggestions = useSuggestions(debounced);
  const items = open && debounced ? (suggestions.data?.items ?? []) : [];

  const pick = (q: string) => {
    setText(q);
    setOpen(false);
    setActive(-1);
    onSearch(q.trim());
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    pick(active >= 0 && items[active] ? items[active] : text);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' && items.length > 0) {
      e.preventDefault();
      setOpen(true);
      setActive((i) => (i + 1) % items.length);
    } else if (e.key === 'ArrowUp' && items.length > 0) {
      e.preventDefault();
      setActive((i) => (i <= 0 ? items.length - 1 : i - 1));
    } else if (e.key === 'Escape' && items.length > 0) {
      // Close the list only; a second Escape clears the field as search fields do.
      e.preventDefault();
      setOpen(false);
      setActive(-1);
    }
  };

  return (
    <form role="search" className="search-box" onSubmit={submit}>
      <label htmlFor={`${listId}-input`} className="visually-hidden">
        {t('search.label')}
      </label>
      <div className="combobox">
        <input
          id={`${listId}-input`}
          type="search"
          role="combobox"
          lang="ko"
          autoComplete="off"
          placeholder={t('search.placeholder')}
          aria-expanded={items.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={active >= 0 && items[active] ? `${listId}-${active}` : undefined}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
            setActive(-1);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
        />
        <ul
          id={listId}
          role="listbox"
          aria-label={t('search.suggestions')}
          className={items.length > 0 ? 'suggestions' : 'suggestions hidden'}
        >
          {items.map((item, index) => (
            <li
              key={item}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === active}
              className={index === active ? 'suggestion active' : 'suggestion'}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(item);
              }}
            >
              {item}
            </li>
          ))}
        </ul>
      </div>
      <Button type="submit" variant="primary">
        {t('search.submit')}
      </Button>
    </form>
  );
}
