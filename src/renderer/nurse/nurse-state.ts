import type { ErrorView, ProgressView } from '../../shared/api-types';
import type { LiveApp } from '../api/live-state';

/** What the nurse sees for one app: one of these panels, derived from the live app. */
export type NurseState =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'up-to-date'; version: string | null }
  | { kind: 'update-available'; from: string | null; to: string | null }
  | { kind: 'downloading'; to: string | null; progress: ProgressView | null }
  | { kind: 'preparing'; to: string | null }
  | { kind: 'his-prompt'; to: string | null; exe: string }
  | { kind: 'applying'; to: string | null; progress: ProgressView | null }
  | { kind: 'done'; version: string | null }
  | { kind: 'deferred'; error: ErrorView | null }
  | { kind: 'failed'; error: ErrorView | null };

export function nurseStateOf(app: LiveApp): NurseState {
  const v = app.view;
  const to = v.currentRun?.to ?? v.targetVersion;
  switch (v.state) {
    case 'checking':
      return { kind: 'checking' };
    case 'downloading':
      return { kind: 'downloading', to, progress: v.progress?.phase === 'download' ? v.progress : null };
    case 'waiting-for-his':
      // The engine passes through this state on every run; ask only when the HIS really is open.
      return v.hisWaiting ? { kind: 'his-prompt', to, exe: v.hisWaiting.exe } : { kind: 'preparing', to };
    case 'applying':
      return { kind: 'applying', to, progress: v.progress?.phase === 'apply' ? v.progress : null };
    default:
      break;
  }
  // A run that failed before it could change state (lock held, service error) still shows its error.
  if (app.liveError) return app.liveError.code === 'HIS_RUNNING' ? { kind: 'deferred', error: app.liveError } : { kind: 'failed', error: app.liveError };
  switch (v.state) {
    case 'failed':
      return { kind: 'failed', error: v.lastError };
    case 'deferred':
      return { kind: 'deferred', error: v.lastError };
    case 'done':
      return { kind: 'done', version: v.installedVersion };
    case 'up-to-date':
      return { kind: 'up-to-date', version: v.installedVersion };
    case 'update-available':
      return { kind: 'update-available', from: v.installedVersion, to: v.targetVersion };
    case 'idle':
      return fromLastResult(app);
  }
}

/** Right after start the engine is idle: show what the last run (maybe in an earlier session) found. */
function fromLastResult(app: LiveApp): NurseState {
  const v = app.view;
  switch (v.lastResult) {
    case 'updated':
    case 'up-to-date':
    case 'recovered':
      return { kind: 'up-to-date', version: v.installedVersion };
    case 'update-available':
      return { kind: 'update-available', from: v.installedVersion, to: v.targetVersion };
    case 'failed':
      return { kind: 'failed', error: v.lastError };
    case 'deferred':
      return { kind: 'deferred', error: v.lastError };
    default:
      return { kind: 'idle' };
  }
}
