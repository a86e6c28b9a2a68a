import fsp from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, parseConfigText, type LoadedConfig } from '../core/config/load';
import { currentPlatform, resolveAgentDirs, type PlatformEnv } from '../core/config/paths';
import { AgentError, toAgentError } from '../core/errors/agent-error';
import type { Logger } from '../core/logger';

export const LAST_GOOD_FILE = 'config.last-good.json';

export interface BootstrapResult {
  loaded: LoadedConfig;
  /** The config on disk is broken and the last good copy is in use (the IT window shows why). */
  configError: AgentError | null;
}

/**
 * Finds the config the tray runs with:
 * 1. no config yet (first run after install): copy the shipped default (resources/config.default.json)
 *    into place; if the folder is not writable for this account, run from the shipped file directly;
 * 2. a config that loads is remembered as <stateDir>/config.last-good.json;
 * 3. a config that no longer loads (IT's typo) falls back to that copy, reporting the error, so PCs keep
 *    updating with the last settings that worked.
 */
export async function bootstrapConfig(options: { configFile: string; defaultConfig: string | null; logger: Logger; platform?: PlatformEnv }): Promise<BootstrapResult> {
  const platform = options.platform ?? currentPlatform();
  let configFile = path.resolve(options.configFile);
  if (!(await exists(configFile)) && options.defaultConfig && (await exists(options.defaultConfig))) {
    try {
      await fsp.mkdir(path.dirname(configFile), { recursive: true });
      await fsp.copyFile(options.defaultConfig, configFile, fsp.constants.COPYFILE_EXCL);
      options.logger.info('first run: default config copied', { from: options.defaultConfig, to: configFile });
    } catch (error) {
      options.logger.warn('default config could not be copied; using the shipped file', { to: configFile, error: String(error) });
      configFile = options.defaultConfig;
    }
  }
  try {
    const loaded = await loadConfig(configFile, platform);
    await rememberLastGood(loaded, platform, options.logger);
    return { loaded, configError: null };
  } catch (error) {
    const configError = toAgentError(error, 'CONFIG_INVALID', { file: configFile, key: '(file)', expected: 'a readable config' });
    // Dirs of a broken config are unknown: the default state folder is where the last good copy lives.
    const dirs = resolveAgentDirs(configFile, {}, platform);
    const lastGood = path.join(dirs.stateDir, LAST_GOOD_FILE);
    let text: string;
    try {
      text = await fsp.readFile(lastGood, 'utf8');
    } catch {
      throw configError;
    }
    const config = parseConfigText(text, lastGood);
    options.logger.warn('config invalid: running with the last good copy', { file: configFile, code: configError.code, lastGood });
    return { loaded: { file: configFile, config, dirs: resolveAgentDirs(configFile, config.agent, platform) }, configError };
  }
}

async function rememberLastGood(loaded: LoadedConfig, platform: PlatformEnv, logger: Logger): Promise<void> {
  const target = path.join(resolveAgentDirs(loaded.file, {}, platform).stateDir, LAST_GOOD_FILE);
  try {
    await fsp.mkdir(path.dirname(target), { recursive: true });
    const text = await fsp.readFile(loaded.file, 'utf8');
    await fsp.writeFile(`${target}.tmp`, text);
    await fsp.rename(`${target}.tmp`, target);
  } catch (error) {
    logger.debug('could not keep a last good config copy', { error: String(error) });
  }
}

async function exists(file: string): Promise<boolean> {
  return fsp.access(file).then(
    () => true,
    () => false,
  );
}
