import fsp from 'node:fs/promises';
import path from 'node:path';
import { decodeConsoleOutput } from '../../platform/command-runner';
import { parseRegQueryOutput, registryValueToText } from '../../version/registry';
import { parseUnc } from '../../share/share-path';
import { pass, type CheckDefinition } from '../types';

const onWindows = () => process.platform === 'win32';

/** `sc.exe query mrxsmb10`: the SMB1 client driver. Exit 1060 = not installed (feature removed). */
export function parseScQuery(code: number | null, output: string): { installed: boolean; state: string | null } {
  if (code === 1060 || /1060/.test(output)) return { installed: false, state: null };
  const match = /STATE\s*:\s*\d+\s+(\w+)/.exec(output);
  return { installed: true, state: match?.[1] ?? null };
}

export const windowsChecks: CheckDefinition[] = [
  {
    id: 'windows.smb1-client',
    group: 'share',
    titleZh: '本机 SMB1 客户端功能状态',
    titleEn: 'SMB1 client feature on this PC',
    timeoutMs: 5000,
    applies: onWindows,
    async run(ctx) {
      const result = await ctx.engine.commands.run('sc.exe', ['query', 'mrxsmb10'], { timeoutMs: 4000 });
      const sc = parseScQuery(result.code, decodeConsoleOutput(Buffer.concat([result.stdout, result.stderr])));
      const evidence = sc.installed ? `mrxsmb10 driver ${sc.state ?? 'present'}` : 'SMB 1.0/CIFS client not installed (mrxsmb10 absent)';
      if (ctx.facts.smb1Only && ctx.app.share.transport === 'native' && (!sc.installed || sc.state !== 'RUNNING')) {
        return { status: 'fail', evidence, fixZh: '共享服务器只支持 SMB1，而本机 SMB1 客户端已关闭：请在配置中改用 transport "smb2" 并允许 allowSmb1，或迁移共享。', fixEn: 'The share server speaks only SMB1 and this PC\'s SMB1 client is off: switch the share to transport "smb2" with allowSmb1, or move the share.' };
      }
      return pass(evidence);
    },
  },
  {
    id: 'windows.offline-files',
    group: 'share',
    titleZh: '脱机文件 (CSC) 缓存',
    titleEn: 'Offline Files (CSC) cache',
    timeoutMs: 5000,
    applies: onWindows,
    async run(ctx) {
      const result = await ctx.engine.commands.run('reg.exe', ['query', 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\CSC', '/v', 'Start'], { timeoutMs: 4000 });
      const value = parseRegQueryOutput(decodeConsoleOutput(result.stdout)).find((v) => v.name.toLowerCase() === 'start');
      const start = value ? Number(registryValueToText(value)) : NaN;
      if (start === 4 || Number.isNaN(start)) return pass(Number.isNaN(start) ? 'CSC service not present' : 'Offline Files disabled (CSC Start = 4)');
      const host = parseUnc(ctx.app.share.path)?.host;
      const cacheDir = host ? path.join(process.env.windir ?? 'C:\\Windows', 'CSC', 'v2.0.6', 'namespace', host) : null;
      const cached = cacheDir ? await fsp.access(cacheDir).then(() => 'yes', (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? 'no' : 'unknown (no access)')) : 'n/a';
      return {
        status: cached === 'yes' ? 'warn' : 'pass',
        evidence: `Offline Files enabled (CSC Start = ${start}); cache holds ${host ?? 'the share'}: ${cached}`,
        ...(cached === 'yes'
          ? { fixZh: '脱机文件缓存中有该共享，可能读到旧文件。请信息科对更新共享关闭脱机缓存（共享属性 → 缓存 → 不可脱机使用）。', fixEn: 'The Offline Files cache holds this share and may serve stale files. Ask IT to disable offline caching on the update share.' }
          : {}),
      };
    },
  },
];
