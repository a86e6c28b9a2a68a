import { describeLocalVersionSource, readLocalVersion } from '../../version/local-version';
import { pass, type CheckDefinition } from '../types';

export const configChecks: CheckDefinition[] = [
  {
    id: 'config.valid',
    group: 'config',
    titleZh: '配置文件有效',
    titleEn: 'Configuration is valid',
    timeoutMs: 1000,
    async run(ctx) {
      if (ctx.configError) return { status: 'fail', evidence: ctx.configError.detail || ctx.configError.en, error: ctx.configError };
      return pass(`${ctx.engine.loaded.file}: ${ctx.engine.loaded.config.apps.length} app(s), ${ctx.app.id} → ${ctx.app.share.path}`);
    },
  },
  {
    id: 'local.version',
    group: 'config',
    titleZh: '读取本机已安装版本',
    titleEn: 'Installed version is readable',
    timeoutMs: 5000,
    async run(ctx) {
      const version = await readLocalVersion(ctx.app, { commands: ctx.engine.commands });
      const source = describeLocalVersionSource(ctx.app.localVersion);
      if (version === null) {
        return { status: 'warn', evidence: `${source}: not found in ${ctx.app.installDir}`, fixZh: '未找到已安装的版本，更新时将完整安装。如 HIS 已安装，请信息科检查配置中的 localVersion。', fixEn: 'No installed version found; an update will install everything. If the HIS is installed, ask IT to check localVersion in the configuration.' };
      }
      return pass(`${source}: ${version}`);
    },
  },
];
