import type { CliArgs } from '../args';
import { ExitCode } from '../exit-codes';
import { printJson } from '../output';
import { openRuntime, type CliIo } from '../runtime';
import { formatBytes, formatDuration } from '../../core/util/format';
import { describeApp } from '../../service/app-view';

/** Versions (read now) and recent history from status.json. Read-only: takes no lock. */
export async function runStatus(args: CliArgs, io: CliIo): Promise<number> {
  const runtime = await openRuntime(args.config, io, { verbose: args.verbose });
  const status = await runtime.agent.readStatus();
  const live = await runtime.agent.liveInstalledVersions();
  const apps = runtime.agent.apps.map((app) => describeApp(app, status.apps[app.id], live[app.id] ?? null));
  if (args.json) {
    printJson(io.stdout, { configFile: runtime.loaded.file, stateDir: runtime.loaded.dirs.stateDir, logFile: runtime.logFile, apps, history: status.history });
    return ExitCode.OK;
  }
  io.stdout.write(`配置 / config: ${runtime.loaded.file}\n日志 / log: ${runtime.logFile}\n\n`);
  for (const a of apps) {
    io.stdout.write(
      `${a.displayName} (${a.id})\n` +
        `  已安装 / installed: ${a.installedVersion ?? '未安装 / none'}   目标 / target: ${a.targetVersion ?? '?'} (${a.targetSource ?? '-'})   共享 / share: ${a.shareVersion ?? '?'}\n` +
        `  上次检查 / last check: ${a.lastCheckAt ?? '-'}   结果 / result: ${a.lastResult ?? '-'}${a.lastError ? ` [${a.lastError.code}] ${a.lastError.zh}` : ''}\n` +
        `  ${a.sharePath} (${a.transport}) → ${a.installDir} (${a.applyMode})\n`,
    );
  }
  const recent = status.history.slice(-10).reverse();
  if (recent.length > 0) {
    io.stdout.write('\n历史 / history:\n');
    for (const r of recent) {
      io.stdout.write(
        `  ${r.startedAt}  ${r.appId}  ${r.from ?? '-'} → ${r.to ?? '-'}  ${r.outcome}${r.error ? ` [${r.error.code}]` : ''}  ${formatBytes(r.bytesMoved)}  ${formatDuration(r.durationMs)}\n`,
      );
    }
  }
  return ExitCode.OK;
}
