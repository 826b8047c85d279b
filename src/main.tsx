import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './ui/app.css';
import { App } from './ui/App';
import { startUrlSync } from './ui/urlSync';
import { startRunner } from './ui/runner';
import { installTestHook } from './ui/testHook';

// The document comes first (link, saved work or default), then the worker starts computing it.
startUrlSync();
startRunner();
installTestHook();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
