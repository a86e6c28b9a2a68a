import path from 'node:path';
import { AgentError } from '../../core/errors/agent-error';
import { launchDetached } from '../../core/platform/process-inspector';
import { UsageError, type CliArgs } from '../args';
import { ExitCode } from '../exit-codes';
import { formatErrorBlock } from '../output';
import { openRuntime, type CliIo } from '../runtime';
import { updateWithProgress } from './update';
import type { RunRecord } from '../../core/report/status-store';

/**
 * Launcher mode for the desktop shortcut: update if needed, then start the HIS. A failed update
 * still starts the old version (nurses must keep working) and says why.
 */
export async function runLaunch(args: CliArgs, io: CliIo): Promise<number> {
  const appId = args.app ?? args.positionals[0];
  if (!appId) throw new UsageError('launch needs the app id, e.g. "his-update launch nurse"');
  const runtime = await openRuntime(args.config, io, { verbose: args.verbose });
  const app = runtime.agent.app(appId);
  if (!app.hisProcess) throw new AgentError('CONFIG_INVALID', { file: runtime.loaded.file, key: `apps[${app.id}].hisProcess`, expected: 'hisProcess.name/exe for launch' });
  let records: RunRecord[];
  try {
    records = await updateWithProgress(runtime.agent, [app.id], io, 'launch', true);
  } catch (error) {
    // Another run holds the lock: start the installed version rather than make the nurse wait.
    if (!(error instanceof AgentError && error.code === 'LOCK_HELD')) throw error;
    io.stderr.write(`${formatErrorBlock(error)}\n`);
    records = [];
  }
  const failure = records.find((r) => r.error)?.error;
  if (failure) io.stderr.write(`${formatErrorBlock(failure)}\n  仍将启动当前版本 / starting the installed version anyway\n`);
  const exe = path.resolve(app.installDir, app.hisProcess.exe ?? app.hisProcess.name);
  try {
    const pid = await launchDetached(exe, app.hisProcess.args, app.installDir);
    io.stdout.write(`✔ 已启动 ${app.displayName} / started ${path.basename(exe)} (pid ${pid})\n`);
  } catch (error) {
    const launchError = new AgentError('HIS_LAUNCH_FAILED', { exe }, error);
    io.stdout.write(`${formatErrorBlock(launchError)}\n`);
    return ExitCode.FAILED;
  }
  return ExitCode.OK;
}
