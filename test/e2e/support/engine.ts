import log from 'electron-log/node';
import { loadConfig } from '../../../src/main/core/config/load';
import { DefaultSecretResolver } from '../../../src/main/core/config/secrets';
import type { ContextOverrides } from '../../../src/main/core/engine/create-context';
import { diagnose } from '../../../src/main/core/diagnose';
import { writeSupportBundle } from '../../../src/main/core/diagnose/bundle';
import { configureElectronLog, createEngineLogger, type ElectronLogLike } from '../../../src/main/logging/engine-logger';
import { createShareFactory } from '../../../src/main/core/share/factory';
import { AgentService, type ServiceExtras } from '../../../src/main/service/agent-service';
import type { ShareValve } from './share-valve';

/**
 * The real service over a config file, logging to the config's log dir as the tray does (electron-log).
 * `bundleFile` wires the real diagnosis and support bundle the way the CLI does (diagnose + writeSupportBundle).
 */
export async function createService(configFile: string, options: { overrides?: ContextOverrides; extras?: ServiceExtras; valve?: ShareValve; bundleFile?: string } = {}) {
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
    extras: {
      copyText: (text) => copied.push(text),
      ...(options.bundleFile ? diagnosisExtras(() => service, logFile, options.bundleFile) : {}),
      ...options.extras,
    },
  });
  return { service, logFile, copied };
}

function diagnosisExtras(service: () => AgentService, logFile: string, outFile: string): ServiceExtras {
  const run = (appId: string | undefined) => diagnose(service().agent.ctx, appId);
  return {
    runDiagnosis: run,
    exportBundle: async () => {
      const diagnosis = await run(undefined).catch((error: unknown) => ({ error: String(error) }));
      const bundle = await writeSupportBundle({ engine: service().agent.ctx, logFile, status: await service().agent.readStatus(), diagnosis, outFile });
      return { path: bundle.path, bytes: bundle.bytes };
    },
  };
}
