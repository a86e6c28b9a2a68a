import type { CheckStatus, DiagnosisCheckView, DiagnosisReportView } from '../../../shared/api-types';
import type { AppConfig } from '../config/schema';
import type { EngineContext } from '../engine/context';
import type { AgentError } from '../errors/agent-error';
import type { Release } from '../sync/manifest';

export type { CheckStatus, DiagnosisCheckView as CheckResult, DiagnosisReportView as DiagnosisReport };

/** What one check found. A failure carries the AgentError whose zh/en say cause and fix. */
export interface CheckOutcome {
  status: CheckStatus;
  evidence: string;
  error?: AgentError;
  /** Fix for a pass/warn that is not an error (e.g. Offline Files enabled). */
  fixZh?: string;
  fixEn?: string;
}

/** Facts checks hand to later checks (the release read by the share check, used for disk space …). */
export interface DiagnosisFacts {
  release?: Release;
  smb1Only?: boolean;
}

export interface DiagnosisContext {
  engine: EngineContext;
  app: AppConfig;
  facts: DiagnosisFacts;
  /** The config on disk is broken and the last good one is in use (shell only). */
  configError: AgentError | null;
}

export interface CheckDefinition {
  id: string;
  group: 'config' | 'database' | 'share' | 'local' | 'updater';
  titleZh: string;
  titleEn: string;
  /** Ids that must have passed (or warned) for this check to run; otherwise it is skipped. */
  needs?: string[];
  /** Upper bound for this check; a check that overruns fails with a timeout. */
  timeoutMs: number;
  /** Returns null when the check does not apply to this app (e.g. no database configured). */
  applies?: (ctx: DiagnosisContext) => boolean;
  run(ctx: DiagnosisContext): Promise<CheckOutcome>;
}

export const pass = (evidence: string): CheckOutcome => ({ status: 'pass', evidence });
export const skip = (evidence: string): CheckOutcome => ({ status: 'skip', evidence });
