import type { AppConfig } from '../config/schema';
import type { LoadedConfig } from '../config/load';
import type { SecretResolver } from '../config/secrets';
import type { Logger } from '../logger';
import type { CommandRunner } from '../platform/command-runner';
import type { ProcessInspector } from '../platform/process-inspector';
import type { ShareFactory } from '../share/factory';
import type { VersionSourceFactory } from '../version/source-factory';
import type { AgentEvents } from './events';
import type { FleetReporter } from '../report/fleet-reporter';

/** The answer of whoever asks the nurse to close the HIS (tray prompt); the CLI has none. */
export type CloseHisAnswer = 'retry' | 'cancel';

/**
 * Everything the engine needs from outside, as small interfaces: the Electron shell, the CLI and
 * the tests each build one of these and drive the same engine.
 */
export interface EngineContext {
  loaded: LoadedConfig;
  logger: Logger;
  events: AgentEvents;
  secrets: SecretResolver;
  commands: CommandRunner;
  processes: ProcessInspector;
  shares: ShareFactory;
  versionSources: VersionSourceFactory;
  machine: string;
  user: string;
  agentVersion: string;
  /** 'ask' policy: show the nurse a prompt; resolves when she clicks retry or cancel. */
  askToCloseHis?: (app: AppConfig, signal: AbortSignal) => Promise<CloseHisAnswer>;
  /** Poll interval while waiting for the HIS to close (tests shorten it). */
  hisPollMs?: number;
  /** Writes this PC's status row into the HIS database (fleet.enabled); never blocks a run. */
  fleet?: FleetReporter;
}
