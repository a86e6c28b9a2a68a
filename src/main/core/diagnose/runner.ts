import { AgentError, toAgentError } from '../errors/agent-error';
import { withTimeout } from '../util/timeout';
import type { CheckDefinition, CheckOutcome, CheckResult, CheckStatus, DiagnosisContext, DiagnosisReport } from './types';

/**
 * Runs the checks in order, each bounded by its timeout. A check whose prerequisite failed is skipped
 * (so a dead DNS does not also produce a TCP and an SMB failure), but groups are independent: a down
 * database never stops the share checks.
 */
export async function runChecks(ctx: DiagnosisContext, checks: readonly CheckDefinition[]): Promise<DiagnosisReport> {
  const started = Date.now();
  const results: CheckResult[] = [];
  const statusById = new Map<string, CheckStatus>();
  for (const check of checks) {
    if (check.applies && !check.applies(ctx)) continue;
    const t = Date.now();
    const blocker = (check.needs ?? []).find((id) => statusById.has(id) && statusById.get(id) !== 'pass' && statusById.get(id) !== 'warn');
    let outcome: CheckOutcome;
    if (blocker) {
      outcome = { status: 'skip', evidence: `skipped: ${blocker} did not pass` };
    } else {
      try {
        outcome = await withTimeout(check.run(ctx), check.timeoutMs, () => new Error(`check did not finish within ${check.timeoutMs} ms`));
      } catch (error) {
        const agentError = error instanceof AgentError ? error : toAgentError(error, 'INTERNAL_ERROR', { where: `diagnosis ${check.id}` });
        outcome = { status: 'fail', evidence: agentError.detail || agentError.en, error: agentError };
      }
    }
    statusById.set(check.id, outcome.status);
    results.push({
      id: check.id,
      group: check.group,
      titleZh: check.titleZh,
      titleEn: check.titleEn,
      status: outcome.status,
      evidence: outcome.evidence,
      fixZh: outcome.error?.zh ?? outcome.fixZh ?? null,
      fixEn: outcome.error?.en ?? outcome.fixEn ?? null,
      errorCode: outcome.error?.code ?? null,
      durationMs: Date.now() - t,
    });
  }
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const r of results) counts[r.status]++;
  return { appId: ctx.app.id, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, checks: results, counts };
}
