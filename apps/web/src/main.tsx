// Noto Sans KR as a variable font in ~120 unicode-range slices: a page downloads only the
// slices of the characters it shows, so Hangul renders without any CJK font installed.
import '@fontsource-variable/noto-sans-kr';
import './styles/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
