import fsp from 'node:fs/promises';
import path from 'node:path';
import { assertInstallDirWritable } from '../../apply/install-probe';
import { AgentError } from '../../errors/agent-error';
import { formatBytes } from '../../util/format';
import { isNodeError } from '../../util/fs-atomic';
import { pass, type CheckDefinition } from '../types';

export const localChecks: CheckDefinition[] = [
  {
    id: 'local.install-writable',
    group: 'local',
    titleZh: '当前账号可写入 HIS 安装目录',
    titleEn: 'Install folder is writable by this account',
    timeoutMs: 3000,
    async run(ctx) {
      await assertInstallDirWritable(ctx.app.installDir);
      return pass(`created and deleted a probe file in ${ctx.app.installDir} as ${ctx.engine.user}`);
    },
  },
  {
    id: 'local.staging-writable',
    group: 'local',
    titleZh: '本地暂存目录可写',
    titleEn: 'Staging folder is writable',
    timeoutMs: 3000,
    async run(ctx) {
      const dir = path.join(ctx.engine.loaded.dirs.stagingDir, ctx.app.id);
      const probe = path.join(dir, `.probe-${process.pid}`);
      try {
        await fsp.mkdir(dir, { recursive: true });
        await fsp.writeFile(probe, 'probe');
        await fsp.rm(probe, { force: true });
      } catch (error) {
        if (isNodeError(error, 'ENOSPC')) throw new AgentError('DISK_FULL', { dir, needed: '?' }, error);
        throw new AgentError('STAGING_NOT_WRITABLE', { dir }, error);
      }
      return pass(`created and deleted a probe file in ${dir}`);
    },
  },
  {
    id: 'local.disk-space',
    group: 'local',
    titleZh: '磁盘空间足够',
    titleEn: 'Enough free disk space',
    needs: ['local.staging-writable'],
    timeoutMs: 3000,
    async run(ctx) {
      const release = ctx.facts.release;
      const needed = release ? release.files.reduce((s, f) => s + f.size, 0) : 0;
      const lines: string[] = [];
      for (const dir of new Set([ctx.engine.loaded.dirs.stagingDir, ctx.app.installDir])) {
        const stats = await fsp.statfs(dir).catch(() => null);
        if (!stats) continue;
        const free = stats.bavail * stats.bsize;
        lines.push(`${dir}: ${formatBytes(free)} free`);
        // Staging holds the download and the install holds old + new during the swap: ask for twice the release.
        if (free < needed * 2) {
          throw new AgentError('DISK_FULL', { dir, needed: formatBytes(needed * 2) }, `${lines.join('; ')}; release ${formatBytes(needed)}`);
        }
      }
      return pass(`${lines.join('; ')}; release ${release ? formatBytes(needed) : 'unknown (share not read)'}`);
    },
  },
  {
    id: 'local.his-running',
    group: 'local',
    titleZh: 'HIS 是否正在运行',
    titleEn: 'Is the HIS running',
    timeoutMs: 5000,
    applies: (ctx) => ctx.app.hisProcess !== undefined,
    async run(ctx) {
      const name = ctx.app.hisProcess!.name;
      if (await ctx.engine.processes.isRunning(name)) {
        return { status: 'warn', evidence: `${name} is running`, fixZh: `${name} 正在运行：更新会等待它关闭（策略 ${ctx.app.hisProcess!.whenRunning}）。`, fixEn: `${name} is running: the update waits for it to close (policy ${ctx.app.hisProcess!.whenRunning}).` };
      }
      return pass(`${name} is not running`);
    },
  },
];
