import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, parseLocation } from './App';
import './styles/app.css';

const { view, tab } = parseLocation(window.location.search);
document.body.classList.add(`view-${view}`);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App api={window.hisUpdate} view={view} tab={tab} />
  </StrictMode>,
);
