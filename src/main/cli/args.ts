import { parseArgs } from 'node:util';

export const COMMANDS = ['check', 'update', 'status', 'launch', 'diagnose', 'bundle', 'fleet', 'publish', 'demo', 'help'] as const;
export type CommandName = (typeof COMMANDS)[number];

export interface CliArgs {
  command: CommandName;
  positionals: string[];
  config?: string;
  json: boolean;
  verbose: boolean;
  app?: string;
  version?: string;
  updater?: string;
  updaterArgs: string[];
  successCodes?: string;
  timeout?: string;
  notes?: string;
  dir?: string;
  mode?: string;
  out?: string;
  prefix?: string;
  showVersion: boolean;
}

export class UsageError extends Error {}

export function parseCliArgs(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        json: { type: 'boolean', default: false },
        verbose: { type: 'boolean', short: 'v', default: false },
        app: { type: 'string' },
        version: { type: 'string' },
        updater: { type: 'string' },
        'updater-arg': { type: 'string', multiple: true, default: [] },
        'success-codes': { type: 'string' },
        timeout: { type: 'string' },
        notes: { type: 'string' },
        dir: { type: 'string' },
        mode: { type: 'string' },
        out: { type: 'string', short: 'o' },
        prefix: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [first, ...rest] = parsed.positionals;
  const v = parsed.values;
  if (v.help || first === undefined) return { command: 'help', positionals: [], json: false, verbose: false, updaterArgs: [], showVersion: false };
  if (first === 'version' || first === '--version') {
    return { command: 'help', positionals: [], json: false, verbose: false, updaterArgs: [], showVersion: true };
  }
  if (!(COMMANDS as readonly string[]).includes(first)) throw new UsageError(`unknown command "${first}"`);
  return {
    command: first as CommandName,
    positionals: rest,
    ...(v.config !== undefined ? { config: v.config } : {}),
    json: v.json ?? false,
    verbose: v.verbose ?? false,
    ...(v.app !== undefined ? { app: v.app } : {}),
    ...(v.version !== undefined ? { version: v.version } : {}),
    ...(v.updater !== undefined ? { updater: v.updater } : {}),
    updaterArgs: v['updater-arg'] ?? [],
    ...(v['success-codes'] !== undefined ? { successCodes: v['success-codes'] } : {}),
    ...(v.timeout !== undefined ? { timeout: v.timeout } : {}),
    ...(v.notes !== undefined ? { notes: v.notes } : {}),
    ...(v.dir !== undefined ? { dir: v.dir } : {}),
    ...(v.mode !== undefined ? { mode: v.mode } : {}),
    ...(v.out !== undefined ? { out: v.out } : {}),
    ...(v.prefix !== undefined ? { prefix: v.prefix } : {}),
    showVersion: false,
  };
}

export const HELP_TEXT = `his-update — HIS 更新代理 / HIS update agent

用法 / Usage:
  his-update check   [APP] [--json]      查询是否有新版本 / ask the version source, download nothing
  his-update update  [APP] [--json]      完整更新 / check, download, apply, record
  his-update status  [--json]            版本与历史 / versions and run history
  his-update launch  APP                 先更新再启动 HIS / update if needed, then start the HIS exe
  his-update diagnose [APP] [--json]     一键诊断 / every check with evidence and fix (exit 1 if one fails)
  his-update bundle  [APP] [--out FILE]  支持包 / support zip for IT: logs, config (secrets masked), diagnosis
  his-update fleet   [--prefix WARD] [--json]  机群状态 / every PC's versions and last result (HIS database)
  his-update publish DIR --app ID --version V [--updater PATH] [--updater-arg A]...
                     [--success-codes 0,3010] [--timeout SECONDS] [--notes TEXT]
                                         为发布目录生成 his-release.json / write the release manifest
  his-update demo    [--dir DIR] [--mode run-updater|mirror]
                                         内置演示 / full update from an embedded demo share

选项 / Options:
  -c, --config PATH   配置文件 / config file (default: %ProgramData%\\HisUpdateAgent\\config.json on
                      Windows, ~/.config/his-update-agent/config.json elsewhere; env HIS_UPDATE_CONFIG)
      --json          check/update/status 在 stdout 输出一个 JSON 对象 / one JSON object on stdout
  -v, --verbose       日志同时输出到 stderr / also print the log to stderr

退出码 / Exit codes:
  0 成功或已是最新 / done or up to date     1 更新失败 / update failed
  2 用法或配置错误 / usage or config error  3 另一个更新正在运行 / another run holds the lock
  4 HIS 正在运行，已推迟 / deferred, HIS running   10 check: 有可用更新 / update available
`;
