import type { EngineContext } from '../engine/context';
import { AgentError } from '../errors/agent-error';
import { configChecks } from './checks/config-checks';
import { databaseChecks } from './checks/database-checks';
import { localChecks } from './checks/local-checks';
import { shareChecks } from './checks/share-checks';
import { updaterChecks } from './checks/updater-checks';
import { windowsChecks } from './checks/windows-checks';
import { runChecks } from './runner';
import type { CheckDefinition, DiagnosisReport } from './types';

/** Every check, in the order a support engineer would walk the seed case. */
export const ALL_CHECKS: readonly CheckDefinition[] = [...configChecks, ...databaseChecks, ...shareChecks, ...windowsChecks, ...localChecks, ...updaterChecks];

/** One-click diagnosis for one app: the CLI, the tray's 诊断 and the IT window's 诊断 tab all call this. */
export async function diagnose(engine: EngineContext, appId: string | undefined, options: { configError?: AgentError | null } = {}): Promise<DiagnosisReport> {
  const apps = engine.loaded.config.apps;
  const app = appId ? apps.find((a) => a.id.toLowerCase() === appId.toLowerCase()) : apps[0];
  if (!app) throw new AgentError('CONFIG_APP_UNKNOWN', { app: appId ?? '', known: apps.map((a) => a.id).join(', ') });
  return runChecks({ engine, app, facts: {}, configError: options.configError ?? null }, ALL_CHECKS);
}
