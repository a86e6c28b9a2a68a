import type { AgentSnapshot, AppView, ErrorView, RunState } from '../../shared/api-types';
import type { UiEvent } from '../../shared/ipc-contract';

/** One app as the windows show it: the last snapshot, updated in place by the event stream. */
export interface LiveApp {
  view: AppView;
  /** The error of the run that just ended (from the `error` event), newer than view.lastError. */
  liveError: ErrorView | null;
}

export interface LiveState {
  snapshot: AgentSnapshot | null;
  apps: LiveApp[];
  /** Counts snapshots pushed by the agent (one at the end of every run): lists keyed on it reload then. */
  runsEnded: number;
  /**
   * A run is going, from its first state event until the agent's end-of-run snapshot. The last state
   * event (done, failed …) comes before the run has released its lock: a new request sent in between
   * would be folded into the ending run, so start buttons wait for this to clear.
   */
  busy: boolean;
}

export const emptyLiveState: LiveState = { snapshot: null, apps: [], runsEnded: 0, busy: false };

const ACTIVE: ReadonlySet<RunState> = new Set(['checking', 'downloading', 'waiting-for-his', 'applying']);

export function isActive(state: RunState): boolean {
  return ACTIVE.has(state);
}

/** Pure reducer: the nurse view and the IT window both fold UiEvents into this. */
export function applyEvent(state: LiveState, event: UiEvent): LiveState {
  switch (event.type) {
    case 'snapshot':
      return { ...fromSnapshot(event.snapshot, state), runsEnded: state.runsEnded + 1 };
    case 'state': {
      const next = isActive(event.state) && !state.busy ? { ...state, busy: true } : state;
      return mapApp(next, event.appId, (app) => {
        const view: AppView = { ...app.view, state: event.state };
        if (isActive(event.state)) view.currentRun = { from: event.from, to: event.to };
        else view.currentRun = null;
        if (event.state !== 'waiting-for-his') view.hisWaiting = null;
        if (event.state !== 'downloading' && event.state !== 'applying' && event.state !== 'waiting-for-his') view.progress = null;
        if (event.state === 'checking') view.lastError = null;
        if (event.state === 'done' || event.state === 'up-to-date') {
          view.installedVersion = event.state === 'done' ? (event.to ?? view.installedVersion) : (event.from ?? view.installedVersion);
        }
        if (event.state === 'update-available' || event.state === 'up-to-date') view.targetVersion = event.to ?? view.targetVersion;
        return { view, liveError: event.state === 'checking' ? null : app.liveError };
      });
    }
    case 'progress':
      return mapApp(state, event.appId, (app) => ({ ...app, view: { ...app.view, progress: event.progress } }));
    case 'his-running':
      return mapApp(state, event.appId, (app) => ({
        ...app,
        view: { ...app.view, hisWaiting: { exe: event.exe, sinceMs: app.view.hisWaiting?.sinceMs ?? 0 } },
      }));
    case 'error':
      return mapApp(state, event.appId, (app) => ({ ...app, liveError: event.error }));
    case 'log':
      return state;
  }
}

export function fromSnapshot(snapshot: AgentSnapshot, previous: LiveState = emptyLiveState): LiveState {
  return {
    snapshot,
    runsEnded: previous.runsEnded,
    busy: snapshot.busy,
    apps: snapshot.apps.map((view) => {
      const before = previous.apps.find((a) => a.view.id === view.id);
      // A snapshot taken after the run carries the same error in lastError; keep the live one only while it is newer.
      const liveError = before?.liveError && !isActive(view.state) && !sameError(before.liveError, view.lastError) ? before.liveError : null;
      return { view, liveError };
    }),
  };
}

function sameError(a: ErrorView | null, b: ErrorView | null): boolean {
  return !!a && !!b && a.code === b.code && a.detail === b.detail;
}

function mapApp(state: LiveState, appId: string, change: (app: LiveApp) => LiveApp): LiveState {
  if (!state.apps.some((a) => a.view.id === appId)) return state;
  return { ...state, apps: state.apps.map((a) => (a.view.id === appId ? change(a) : a)) };
}
