import os from 'node:os';
import type { LoadedConfig } from '../config/load';
import { DefaultSecretResolver, type SecretResolver } from '../config/secrets';
import type { Logger } from '../logger';
import { systemCommandRunner, type CommandRunner } from '../platform/command-runner';
import { createProcessInspector, type ProcessInspector } from '../platform/process-inspector';
import { createShareFactory, type ShareFactory } from '../share/factory';
import { createVersionSourceFactory, type VersionSourceFactory } from '../version/source-factory';
import { AGENT_VERSION } from '../version-info';
import type { EngineContext } from './context';
import { FleetReporter } from '../report/fleet-reporter';
import { AgentEvents } from './events';

export interface ContextOverrides {
  secrets?: SecretResolver;
  commands?: CommandRunner;
  processes?: ProcessInspector;
  shares?: ShareFactory;
  versionSources?: VersionSourceFactory;
  events?: AgentEvents;
  askToCloseHis?: EngineContext['askToCloseHis'];
  hisPollMs?: number;
}

/** The production wiring; the shell and tests override single pieces. */
export function createEngineContext(loaded: LoadedConfig, logger: Logger, overrides: ContextOverrides = {}): EngineContext {
  const secrets = overrides.secrets ?? new DefaultSecretResolver();
  const commands = overrides.commands ?? systemCommandRunner;
  const shares = overrides.shares ?? createShareFactory(secrets, logger);
  const { fleet, database } = loaded.config;
  const reporter = fleet.enabled && database ? new FleetReporter({ database, fleet, secrets, stateDir: loaded.dirs.stateDir, logger }) : undefined;
  return {
    loaded,
    logger,
    events: overrides.events ?? new AgentEvents(),
    secrets,
    commands,
    processes: overrides.processes ?? createProcessInspector(commands),
    shares,
    versionSources: overrides.versionSources ?? createVersionSourceFactory(loaded.config, secrets, logger),
    machine: os.hostname(),
    user: currentUser(),
    agentVersion: AGENT_VERSION,
    ...(overrides.askToCloseHis ? { askToCloseHis: overrides.askToCloseHis } : {}),
    ...(overrides.hisPollMs !== undefined ? { hisPollMs: overrides.hisPollMs } : {}),
    ...(reporter ? { fleet: reporter } : {}),
  };
}

function currentUser(): string {
  try {
    const info = os.userInfo();
    return process.env.USERDOMAIN ? `${process.env.USERDOMAIN}\\${info.username}` : info.username;
  } catch {
    return process.env.USERNAME ?? process.env.USER ?? 'unknown';
  }
}
