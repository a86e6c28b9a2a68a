import type { AgentErrorData } from '../core/errors/agent-error';

/** Documented in the README; IT scripts (GPO, SCCM) branch on these. */
export const ExitCode = {
  OK: 0,
  FAILED: 1,
  USAGE_OR_CONFIG: 2,
  LOCKED: 3,
  DEFERRED_HIS_RUNNING: 4,
  UPDATE_AVAILABLE: 10,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export function exitCodeFor(error: Pick<AgentErrorData, 'code' | 'step'>): ExitCodeValue {
  if (error.code === 'LOCK_HELD') return ExitCode.LOCKED;
  if (error.code === 'HIS_RUNNING') return ExitCode.DEFERRED_HIS_RUNNING;
  if (error.step === 'config') return ExitCode.USAGE_OR_CONFIG;
  return ExitCode.FAILED;
}
