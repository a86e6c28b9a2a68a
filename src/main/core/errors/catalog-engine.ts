import type { ErrorTemplate } from './catalog';

/** Config, lock, local version, manifest, sync, HIS process, apply and record failures. */
export const engineErrors = {
  CONFIG_NOT_FOUND: {
    step: 'config',
    zh: '找不到更新程序的配置文件 {file}。请信息科按说明放置配置文件，或用 --config 指定路径。',
    en: 'Configuration file {file} not found. Ask IT to install it, or pass --config PATH.',
  },
  CONFIG_UNREADABLE: {
    step: 'config',
    zh: '无法读取配置文件 {file}（{reason}）。请信息科检查该文件是否存在以及当前账号是否有读取权限。',
    en: 'Cannot read configuration file {file} ({reason}). Ask IT to check the file and its read permission.',
  },
  CONFIG_INVALID: {
    step: 'config',
    zh: '配置文件 {file} 有误：{key} 处应为{expected}。请信息科修改后重试（上一次正确的配置仍在使用）。',
    en: 'Configuration file {file} is invalid at {key}: expected {expected}. Ask IT to fix it (the last good configuration stays in use).',
  },
  CONFIG_APP_UNKNOWN: {
    step: 'config',
    zh: '配置中没有名为 {app} 的 HIS 程序。可用的有：{known}。',
    en: 'No HIS app named {app} in the configuration. Known apps: {known}.',
  },
  SECRET_MISSING: {
    step: 'config',
    zh: '找不到配置引用的密码 {ref}。请信息科设置该密码（环境变量或加密存储）后重试。',
    en: 'The secret referenced as {ref} is not available. Ask IT to set it (environment variable or encrypted store).',
  },
  LOCK_HELD: {
    step: 'lock',
    zh: '另一个更新任务正在运行（进程 {pid}，开始于 {since}）。请等待它完成后再试。',
    en: 'Another update run is in progress (process {pid}, started {since}). Wait for it to finish, then try again.',
  },
  STATE_DIR_NOT_WRITABLE: {
    step: 'lock',
    zh: '无法写入更新程序的状态目录 {dir}。请信息科为当前账号授予该目录的修改权限。',
    en: 'Cannot write the agent state folder {dir}. Ask IT to grant the current account modify rights on it.',
  },
  LOCAL_VERSION_UNREADABLE: {
    step: 'local-version',
    zh: '无法读取本机 {app} 的版本号（{source}）。请确认 HIS 已安装在 {dir}，或请信息科检查配置中的版本来源。',
    en: 'Cannot read the installed version of {app} ({source}). Check that the HIS is installed in {dir}, or ask IT to check the version source in the configuration.',
  },
  INSTALL_DIR_MISSING: {
    step: 'local-version',
    zh: 'HIS 安装目录 {dir} 不存在。请信息科确认安装路径配置是否正确。',
    en: 'The HIS install folder {dir} does not exist. Ask IT to check the configured install path.',
  },
  MANIFEST_MISSING: {
    step: 'version-source',
    zh: '更新共享 {share} 中没有发布清单 his-release.json。请信息科在发布目录运行 his-update publish 生成清单。',
    en: 'The update share {share} has no release manifest his-release.json. Ask IT to run his-update publish in the release folder.',
  },
  MANIFEST_INVALID: {
    step: 'version-source',
    zh: '发布清单 {file} 不合规：{key} {reason}。为安全起见本次不更新，请信息科重新发布。',
    en: 'Release manifest {file} is invalid: {key} {reason}. Nothing was updated; ask IT to publish the release again.',
  },
  MANIFEST_APP_MISMATCH: {
    step: 'version-source',
    zh: '共享 {share} 中的发布清单属于 {found}，而不是 {app}。请信息科检查该程序的共享路径配置。',
    en: 'The manifest on {share} belongs to {found}, not {app}. Ask IT to check the share path configured for this app.',
  },
  VERSION_INVALID: {
    step: 'version-source',
    zh: '版本号 "{version}" 格式无法识别（来源：{source}）。请信息科检查发布的版本号。',
    en: 'Version "{version}" from {source} is not a recognizable version. Ask IT to check the published version.',
  },
  VERSION_SOURCE_MISMATCH: {
    step: 'version-source',
    zh: '数据库要求版本 {wanted}，但共享 {share} 中的发布版本是 {found}。请信息科将 {wanted} 版发布到共享后再更新。',
    en: 'The database asks for version {wanted} but the release on {share} is {found}. Ask IT to publish {wanted} to the share.',
  },
  HASH_MISMATCH: {
    step: 'sync',
    zh: '文件 {file} 下载后校验失败（内容与发布清单不符），可能在共享上被改动或损坏。已停止更新，当前版本未改动；请信息科重新发布。',
    en: 'File {file} failed its integrity check (content differs from the manifest); it may have been changed or damaged on the share. The update stopped and the installed version is untouched; ask IT to publish again.',
  },
  SIZE_MISMATCH: {
    step: 'sync',
    zh: '文件 {file} 的大小与发布清单不符（应为 {expected} 字节，实际 {actual} 字节）。已停止更新，当前版本未改动；请信息科重新发布。',
    en: 'File {file} has the wrong size (expected {expected} bytes, got {actual}). The update stopped and the installed version is untouched; ask IT to publish again.',
  },
  DISK_FULL: {
    step: 'sync',
    zh: '磁盘空间不足，无法写入 {dir}（本次需要约 {needed}）。请清理磁盘后重试，当前版本未改动。',
    en: 'Not enough disk space to write {dir} (about {needed} needed). Free some space and retry; the installed version is untouched.',
  },
  STAGING_NOT_WRITABLE: {
    step: 'sync',
    zh: '无法写入本地暂存目录 {dir}。请信息科为当前账号授予该目录的修改权限。',
    en: 'Cannot write the local staging folder {dir}. Ask IT to grant the current account modify rights on it.',
  },
  HIS_RUNNING: {
    step: 'his-process',
    zh: '{exe} 正在运行，无法更新。请保存工作并关闭 HIS，然后点击“重试”。',
    en: '{exe} is running, so the update cannot be applied. Save your work, close the HIS, then click Retry.',
  },
  HIS_LAUNCH_FAILED: {
    step: 'his-process',
    zh: '无法启动 {exe}。请确认 HIS 已正确安装，或联系信息科。',
    en: 'Could not start {exe}. Check that the HIS is installed correctly, or contact IT.',
  },
  LOCAL_NOT_WRITABLE: {
    step: 'apply',
    zh: '当前账号无权写入 {dir}。请信息科为该目录授予修改权限，或以管理员身份运行一次更新。当前版本未改动，可继续使用。',
    en: 'The current account cannot write to {dir}. Ask IT to grant modify rights on it, or run the update once as administrator. The installed version is untouched.',
  },
  UPDATER_MISSING: {
    step: 'apply',
    zh: '发布中找不到更新程序 {exe}。请信息科检查发布清单中的 updater 设置。',
    en: 'The updater {exe} is not part of the release. Ask IT to check the updater entry of the manifest.',
  },
  UPDATER_START_FAILED: {
    step: 'apply',
    zh: '更新程序 {exe} 无法启动（{reason}）。已保留旧版本，可继续使用；请联系信息科。',
    en: 'The updater {exe} could not be started ({reason}). The old version was kept; contact IT.',
  },
  UPDATER_FAILED: {
    step: 'apply',
    zh: '更新程序 {exe} 运行失败（退出码 {code}）。已保留旧版本，可继续使用；请联系信息科。',
    en: 'The updater {exe} failed (exit code {code}). The old version was kept and can still be used; contact IT.',
  },
  UPDATER_TIMEOUT: {
    step: 'apply',
    zh: '更新程序 {exe} 超过 {seconds} 秒未结束，已被终止。已保留旧版本，可继续使用；请联系信息科。',
    en: 'The updater {exe} did not finish within {seconds} s and was stopped. The old version was kept; contact IT.',
  },
  VERSION_AFTER_UPDATE_MISMATCH: {
    step: 'apply',
    zh: '更新完成后版本仍为 {actual}，而不是 {expected}。已恢复旧版本；请信息科检查发布内容。',
    en: 'After the update the installed version is {actual}, not {expected}. The old version was restored; ask IT to check the release.',
  },
  APPLY_FAILED: {
    step: 'apply',
    zh: '替换文件 {file} 时出错，已回滚到原版本 {from}，可继续使用。请稍后重试或联系信息科。',
    en: 'Replacing {file} failed; the install was rolled back to {from} and can still be used. Retry later or contact IT.',
  },
  ROLLBACK_FAILED: {
    step: 'apply',
    zh: '更新失败且无法自动恢复 {dir}（文件 {file}）。请勿启动 HIS，立即联系信息科。',
    en: 'The update failed and {dir} could not be restored automatically (file {file}). Do not start the HIS; contact IT now.',
  },
  STATUS_WRITE_FAILED: {
    step: 'record',
    zh: '无法保存更新状态到 {file}。更新本身已完成；请信息科检查该目录权限。',
    en: 'Could not save the update status to {file}. The update itself completed; ask IT to check the folder permissions.',
  },
  CANCELLED: {
    step: 'cli',
    zh: '更新已取消，当前版本未改动。',
    en: 'The update was cancelled; the installed version is untouched.',
  },
  INTERNAL_ERROR: {
    step: 'cli',
    zh: '更新程序内部错误（{where}）。当前版本未改动；请将支持包发给信息科。',
    en: 'Internal error in the update agent ({where}). The installed version is untouched; send the support bundle to IT.',
  },
} satisfies Record<string, ErrorTemplate>;
