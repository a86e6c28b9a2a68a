import type { FleetView } from '../../shared/api-types';
import type { LoadedConfig } from '../core/config/load';
import type { SecretResolver } from '../core/config/secrets';
import type { AgentEvents } from '../core/engine/events';
import type { Logger } from '../core/logger';
import { queryFleet } from '../core/report/fleet-query';
import { FleetReporter } from '../core/report/fleet-reporter';
import type { StatusFile } from '../core/report/status-store';

export interface FleetHooks {
  /** Scheduler heartbeat: one row per app with the last known state, then the queue drains. */
  heartbeat(): Promise<void>;
  queryFleet(options: { prefix?: string; silentHours?: number }): Promise<FleetView>;
  stop(): void;
}

/**
 * Fleet heartbeat and fleet query over the engine's reporter, for callers that hold no Agent (the e2e
 * tour uses it). The tray itself does not: the engine reports every run (Agent.reportToFleet), the
 * scheduler's heartbeat calls Agent.heartbeat() and AgentService answers agent:get-fleet. Null when the
 * config does not enable fleet reporting.
 */
export function createFleetHooks(options: {
  loaded: LoadedConfig;
  secrets: SecretResolver;
  /** Kept for callers written against the first version; runs are reported by the engine. */
  events?: AgentEvents;
  logger: Logger;
  identity: { machine: string; user: string; agentVersion: string };
  readStatus(): Promise<StatusFile>;
}): FleetHooks | null {
  const { config, dirs } = options.loaded;
  if (!config.fleet.enabled || !config.database) return null;
  const database = config.database;
  const reporter = new FleetReporter({ database, fleet: config.fleet, secrets: options.secrets, stateDir: dirs.stateDir, logger: options.logger });
  const { machine, user, agentVersion } = options.identity;
  return {
    heartbeat: async () => {
      const status = await options.readStatus();
      for (const app of config.apps) {
        const s = status.apps[app.id];
        await reporter.report({
          machine,
          user,
          app: app.id,
          installedVersion: s?.installedVersion ?? null,
          targetVersion: s?.targetVersion ?? null,
          state: 'heartbeat',
          errorCode: s?.lastError?.code ?? null,
          messageZh: s?.lastError?.zh ?? null,
          durationMs: null,
          bytesMoved: null,
          agentVersion,
          reportedAt: new Date().toISOString(),
        });
      }
    },
    queryFleet: async (request) => {
      const snapshot = await queryFleet(
        { database, fleet: config.fleet },
        { secrets: options.secrets, logger: options.logger, ...(request.prefix !== undefined ? { prefix: request.prefix } : {}), ...(request.silentHours !== undefined ? { silentHours: request.silentHours } : {}) },
      );
      return { generatedAt: snapshot.generatedAt, silentHours: snapshot.silentHours, rows: snapshot.rows, countsByVersion: snapshot.countsByVersion, error: null };
    },
    stop: () => undefined,
  };
}
