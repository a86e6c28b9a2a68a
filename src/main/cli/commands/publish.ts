import path from 'node:path';
import { publishRelease } from '../../core/sync/publish';
import { formatBytes } from '../../core/util/format';
import { UsageError, type CliArgs } from '../args';
import { ExitCode } from '../exit-codes';
import { printJson } from '../output';
import type { CliIo } from '../runtime';

export async function runPublish(args: CliArgs, io: CliIo): Promise<number> {
  const dir = args.positionals[0] ?? args.dir;
  if (!dir) throw new UsageError('publish needs the release folder: his-update publish DIR --app ID --version V');
  if (!args.app || !args.version) throw new UsageError('publish needs --app and --version');
  const successExitCodes = args.successCodes ? args.successCodes.split(',').map((c) => Number(c.trim())) : [0];
  if (successExitCodes.some((c) => !Number.isInteger(c))) throw new UsageError(`--success-codes must be integers, got "${args.successCodes}"`);
  const timeoutSeconds = args.timeout !== undefined ? Number(args.timeout) : undefined;
  if (timeoutSeconds !== undefined && !(timeoutSeconds > 0)) throw new UsageError(`--timeout must be a positive number of seconds, got "${args.timeout}"`);
  const result = await publishRelease({
    dir: path.resolve(dir),
    app: args.app,
    version: args.version,
    ...(args.updater
      ? { updater: { path: args.updater.replace(/\\/g, '/'), args: args.updaterArgs, successExitCodes, ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}) } }
      : {}),
    ...(args.notes ? { notes: args.notes } : {}),
  });
  if (args.json) printJson(io.stdout, { ok: true, file: result.file, app: result.manifest.app, version: result.manifest.version, files: result.manifest.files.length, bytes: result.totalBytes });
  else io.stdout.write(`✔ 已写入 / wrote ${result.file}: ${result.manifest.app} ${result.manifest.version}, ${result.manifest.files.length} 个文件 / files, ${formatBytes(result.totalBytes)}\n`);
  return ExitCode.OK;
}
