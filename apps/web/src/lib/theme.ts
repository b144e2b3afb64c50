import { useSyncExternalStore } from 'react';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
const STORAGE_KEY = 'pingvas.theme';
const listeners = new Set<() => void>();

function stored(): Theme {
  const value = localStorage.getItem(STORAGE_KEY);
  return THEMES.includes(value as Theme) ? (value as Theme) : 'system';
}

let theme: Theme = stored();

/** `system` follows prefers-color-scheme in CSS; light and dark pin it with data-theme. */
function apply(): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}
apply();

export function setTheme(next: Theme): void {
  theme = next;
  localStorage.setItem(STORAGE_KEY, next);
  apply();
  listeners.forEach((l) => l());
}

export function useTheme(): Theme {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => theme,
  );
}
