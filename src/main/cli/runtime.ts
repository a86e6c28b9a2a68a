import fsp from 'node:fs/promises';
import log from 'electron-log/node';
import { Agent } from '../core/agent';
import { loadConfig, type LoadedConfig } from '../core/config/load';
import { DIR_MODE } from '../core/util/fs-atomic';
import { defaultConfigPath } from '../core/config/paths';
import { createEngineContext, type ContextOverrides } from '../core/engine/create-context';
import type { Logger } from '../core/logger';
import { configureElectronLog, createEngineLogger, type ElectronLogLike } from '../logging/engine-logger';

export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

export interface CliRuntime {
  loaded: LoadedConfig;
  logger: Logger;
  agent: Agent;
  logFile: string;
}

export function configPathFrom(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag ?? env.HIS_UPDATE_CONFIG ?? defaultConfigPath();
}

/** Loads the config, opens the log file and builds the engine the same way the tray does. */
export async function openRuntime(configFlag: string | undefined, io: CliIo, options: { verbose: boolean; overrides?: ContextOverrides }): Promise<CliRuntime> {
  const loaded = await loadConfig(configPathFrom(configFlag, io.env));
  await fsp.mkdir(loaded.dirs.logDir, { recursive: true, mode: DIR_MODE }).catch(() => {});
  const electronLog = log as unknown as ElectronLogLike;
  const logFile = configureElectronLog(electronLog, loaded.dirs.logDir, { console: false });
  const logger = createEngineLogger(electronLog, options.verbose ? (level, line) => io.stderr.write(`[${level}] ${line}\n`) : undefined);
  const agent = new Agent(createEngineContext(loaded, logger, options.overrides));
  return { loaded, logger, agent, logFile };
}
