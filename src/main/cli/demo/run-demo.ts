import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { publishRelease } from '../../core/sync/publish';
import type { CliArgs } from '../args';
import { UsageError } from '../args';
import { ExitCode } from '../exit-codes';
import type { CliIo } from '../runtime';
import { openRuntime } from '../runtime';
import { exitCodeForRecords, reportRecords, updateWithProgress } from '../commands/update';
import { runStatus } from '../commands/status';
import { DEMO_UPDATER_NAME, DEMO_UPDATER_SOURCE } from './demo-updater';
import { writeTree } from './demo-tree';

const DEMO_FILES = 300;
const DEMO_BYTES = 24 * 1024 * 1024;

/**
 * `npm run demo`: builds a demo share with release 2.0.0 (300 files, updater script), an install at
 * 1.0.0 and a config, then runs a full update through the real engine and prints result and status.
 */
export async function runDemo(args: CliArgs, io: CliIo): Promise<number> {
  const mode = args.mode ?? 'run-updater';
  if (mode !== 'run-updater' && mode !== 'mirror') throw new UsageError('--mode must be run-updater or mirror');
  const root = args.dir ? path.resolve(args.dir) : await fsp.mkdtemp(path.join(os.tmpdir(), 'his-update-demo-'));
  const share = path.join(root, 'share', 'nurse');
  const install = path.join(root, 'his');
  io.stdout.write(`演示目录 / demo folder: ${root}\n`);

  await writeTree(share, { files: DEMO_FILES, totalBytes: DEMO_BYTES, seed: 'demo', changedEvery: 3, versionTag: 'v2' });
  await fsp.writeFile(path.join(share, 'version.txt'), '2.0.0\n');
  await fsp.writeFile(path.join(share, DEMO_UPDATER_NAME), DEMO_UPDATER_SOURCE);
  await publishRelease({ dir: share, app: 'nurse', version: '2.0.0', updater: { path: DEMO_UPDATER_NAME, args: ['{installDir}'], successExitCodes: [0] }, notes: '演示版本 / demo release' });

  await writeTree(install, { files: DEMO_FILES, totalBytes: DEMO_BYTES, seed: 'demo', changedEvery: 3, versionTag: 'v1' });
  await fsp.writeFile(path.join(install, 'version.txt'), '1.0.0\n');

  const configFile = path.join(root, 'config.json');
  const config = {
    agent: { stateDir: 'state', stagingDir: 'staging', logDir: 'logs' },
    apps: [
      {
        id: 'nurse',
        displayName: '护士工作站',
        installDir: install,
        localVersion: { type: 'file', path: 'version.txt' },
        versionSource: { type: 'manifest' },
        share: { path: share, transport: 'native' },
        apply: mode === 'mirror' ? { mode: 'mirror' } : { mode: 'run-updater', timeoutSeconds: 120 },
        hisProcess: { name: 'nurse.exe', whenRunning: 'wait', waitSeconds: 60 },
      },
    ],
  };
  await fsp.writeFile(configFile, JSON.stringify(config, null, 2));
  io.stdout.write(`共享 / share: ${share} (2.0.0, ${DEMO_FILES + 2} 个文件 / files)\n安装 / install: ${install} (1.0.0)\n模式 / apply mode: ${mode}\n\n`);

  const runtime = await openRuntime(configFile, io, { verbose: args.verbose });
  const records = await updateWithProgress(runtime.agent, undefined, io, 'cli', true);
  reportRecords(runtime.agent, records, false, io);
  const code = exitCodeForRecords(records);
  io.stdout.write('\n');
  await runStatus({ ...args, config: configFile, json: false }, io);
  io.stdout.write(`\n再次运行 / run again: node dist/cli/his-update.js update --config ${configFile}\n`);
  return code === ExitCode.OK ? ExitCode.OK : code;
}
