import type { AppConfig } from '../config/schema';
import { AgentError } from '../errors/agent-error';
import { sleep } from '../util/timeout';
import type { EngineContext } from './context';

/**
 * Apply must not start while the HIS runs (its files are locked, and a nurse may be mid-record).
 * Policy from config: wait (poll up to waitSeconds), ask (the tray prompts, the nurse closes it and
 * clicks retry), skip (defer to the next run). Never kills the HIS.
 */
export async function ensureHisClosed(ctx: EngineContext, app: AppConfig, signal: AbortSignal): Promise<void> {
  const his = app.hisProcess;
  if (!his) return;
  const running = () => ctx.processes.isRunning(his.name);
  if (!(await running())) return;
  const notRunningError = () => new AgentError('HIS_RUNNING', { exe: his.name });
  if (his.whenRunning === 'skip') throw notRunningError();

  const since = Date.now();
  const announce = () => ctx.events.emit({ type: 'his-running', appId: app.id, exe: his.name, waitingSinceMs: since });
  ctx.logger.info(`${his.name} is running; policy ${his.whenRunning}`);
  if (his.whenRunning === 'ask' && ctx.askToCloseHis) {
    for (;;) {
      // Register the prompt before announcing it, so an answer given at once is not lost.
      const answer = ctx.askToCloseHis(app, signal);
      announce();
      if ((await answer) === 'cancel') throw notRunningError();
      if (!(await running())) return;
    }
  }
  announce();
  const deadline = since + his.waitSeconds * 1000;
  while (Date.now() < deadline) {
    await sleep(Math.min(ctx.hisPollMs ?? 2000, Math.max(0, deadline - Date.now())), signal);
    if (!(await running())) return;
  }
  throw notRunningError();
}
