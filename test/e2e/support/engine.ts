import log from 'electron-log/node';
import { loadConfig } from '../../../src/main/core/config/load';
import { DefaultSecretResolver } from '../../../src/main/core/config/secrets';
import type { ContextOverrides } from '../../../src/main/core/engine/create-context';
import { configureElectronLog, createEngineLogger, type ElectronLogLike } from '../../../src/main/logging/engine-logger';
import { createShareFactory } from '../../../src/main/core/share/factory';
import { AgentService, type ServiceExtras } from '../../../src/main/service/agent-service';
import type { ShareValve } from './share-valve';

/**
 * The real service over a config file, logging to the config's log dir as the tray does (electron-log).
 * Diagnosis, support bundle and fleet query are the service's own; only the clipboard is captured.
 */
export async function createService(configFile: string, options: { overrides?: ContextOverrides; extras?: ServiceExtras; valve?: ShareValve } = {}) {
  const loaded = await loadConfig(configFile);
  const electronLog = log as unknown as ElectronLogLike;
  const logFile = configureElectronLog(electronLog, loaded.dirs.logDir, { console: false });
  const logger = createEngineLogger(electronLog);
  const copied: string[] = [];
  const overrides: ContextOverrides = { ...options.overrides };
  if (options.valve) overrides.shares = options.valve.wrap(createShareFactory(new DefaultSecretResolver(), logger));
  const service: AgentService = new AgentService({
    loaded,
    logger,
    logFile,
    overrides,
    extras: { copyText: (text) => copied.push(text), ...options.extras },
  });
  return { service, logFile, copied };
}

