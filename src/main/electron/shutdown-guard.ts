import type { ErrorView, RunState } from '../../shared/api-types';
import type { UiEvent } from '../../shared/ipc-contract';
import type { Logger } from '../core/logger';
import { shuttingDown } from './shell-errors';

export interface ShutdownGuardDeps {
  isRunning(): boolean;
  /** Stops the run at its next step (download chunk, HIS wait); an apply in progress is never cut. */
  cancelRun(): void;
  /** Resolves when the current run (if any) has ended. */
  runEnded(): Promise<unknown>;
  logger: Logger;
}

/**
 * Keeps Windows logoff/shutdown and quitting from cutting an apply in half:
 * - once the session starts ending, no new run starts (scheduler, tray, IPC all ask `refusal()`), and
 *   a run that has not reached the apply step is cancelled;
 * - Windows' "may the session end?" (query-session-end) is answered "wait" only while files are being
 *   applied, and the app quits as soon as the apply is over, which lets Windows continue;
 * - quitting from the tray waits for the run to end the same way.
 */
export class ShutdownGuard {
  private reason: string | null = null;
  private readonly states = new Map<string, RunState>();
  private quitPending = false;

  constructor(private readonly deps: ShutdownGuardDeps) {}

  /** Feed every UI event: the guard needs to know which app is in the apply step. */
  onEvent(event: UiEvent): void {
    if (event.type === 'state') this.states.set(event.appId, event.state);
  }

  get ending(): boolean {
    return this.reason !== null;
  }

  get applying(): boolean {
    return [...this.states.values()].includes('applying');
  }

  /** Why a run must not start now, or null. */
  refusal(): ErrorView | null {
    return this.reason === null ? null : shuttingDown(this.reason);
  }

  begin(reason: string): void {
    if (this.reason !== null) return;
    this.reason = reason;
    this.deps.logger.info('session ending: no new runs', { reason, running: this.deps.isRunning(), applying: this.applying });
    if (this.deps.isRunning()) this.deps.cancelRun();
  }

  /**
   * query-session-end (Windows asks before logoff/shutdown). Returns true when the shell must call
   * event.preventDefault(): files are being applied right now. `quit` is called once the run is over.
   */
  onQuerySessionEnd(reasons: readonly string[], quit: () => void): boolean {
    this.begin(reasons.join(',') || 'session-end');
    if (!this.applying || !this.deps.isRunning()) return false;
    this.deps.logger.warn('delaying Windows logoff/shutdown until the apply step finishes');
    this.quitWhenDone(quit);
    return true;
  }

  /** session-end: the session ends whatever we do; stop starting anything. */
  onSessionEnd(reasons: readonly string[]): void {
    this.begin(reasons.join(',') || 'session-end');
  }

  /** before-quit: returns true when quitting must wait (the shell prevents it and `quit` comes later). */
  onBeforeQuit(quit: () => void): boolean {
    if (!this.deps.isRunning()) return false;
    this.begin('quit');
    this.quitWhenDone(quit);
    return true;
  }

  private quitWhenDone(quit: () => void): void {
    if (this.quitPending) return;
    this.quitPending = true;
    void this.deps
      .runEnded()
      .catch(() => undefined)
      .then(() => {
        this.deps.logger.info('run finished; quitting');
        quit();
      });
  }
}
