// Noto Sans KR as a variable font in ~120 unicode-range slices: a page downloads only the
// slices of the characters it shows, so Hangul renders without any CJK font installed.
import '@fontsource-variable/noto-sans-kr';
import './styles/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { session } from './lib/session';

// Restore the session from the refresh cookie now, while the screen's code is still loading,
// rather than after the first render: on a cold load that is the longest wait before data.
void session.restore();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
