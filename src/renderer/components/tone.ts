import type { CheckStatus, RunState } from '../../shared/api-types';

/**
 * How a state looks. Each tone has its own icon shape as well as a colour, and every use shows a
 * text label beside it, so nothing depends on telling red from green.
 */
export type Tone = 'ok' | 'busy' | 'info' | 'warn' | 'error' | 'neutral';

export function toneOfState(state: RunState): Tone {
  switch (state) {
    case 'up-to-date':
    case 'done':
      return 'ok';
    case 'checking':
    case 'downloading':
    case 'applying':
      return 'busy';
    case 'update-available':
      return 'info';
    case 'waiting-for-his':
    case 'deferred':
      return 'warn';
    case 'failed':
      return 'error';
    case 'idle':
      return 'neutral';
  }
}

export function toneOfOutcome(outcome: string): Tone {
  switch (outcome) {
    case 'updated':
    case 'up-to-date':
    case 'recovered':
      return 'ok';
    case 'update-available':
      return 'info';
    case 'deferred':
      return 'warn';
    case 'failed':
      return 'error';
    default:
      return 'neutral';
  }
}

export function toneOfCheck(status: CheckStatus): Tone {
  return status === 'pass' ? 'ok' : status === 'warn' ? 'warn' : status === 'fail' ? 'error' : 'neutral';
}

const RUN_STATES: ReadonlySet<string> = new Set<RunState>(['idle', 'checking', 'up-to-date', 'update-available', 'downloading', 'waiting-for-his', 'applying', 'done', 'failed', 'deferred']);

/** Fleet rows carry either a run outcome or a run state: take whichever this is. */
export function toneOfResult(value: string): Tone {
  const tone = toneOfOutcome(value);
  return tone === 'neutral' && RUN_STATES.has(value) ? toneOfState(value as RunState) : tone;
}
