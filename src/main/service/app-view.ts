import type { AppView } from '../../shared/api-types';
import type { AppConfig } from '../core/config/schema';
import type { AppStatus } from '../core/report/status-store';

/** What config and status.json say about an app; the live parts (state, progress, prompts) come from the run. */
export type AppFacts = Omit<AppView, 'state' | 'progress' | 'nextCheckAt' | 'hisWaiting' | 'currentRun'>;

/** One shape for the IT window and `his-update status`: the same facts, the same names. */
export function describeApp(app: AppConfig, status: AppStatus | undefined, installedVersion: string | null): AppFacts {
  return {
    id: app.id,
    displayName: app.displayName,
    installDir: app.installDir,
    sharePath: app.share.path,
    transport: app.share.transport,
    applyMode: app.apply.mode,
    versionSource: app.versionSource.type,
    installedVersion,
    targetVersion: status?.targetVersion ?? null,
    targetSource: status?.targetSource ?? null,
    shareVersion: status?.shareVersion ?? null,
    lastCheckAt: status?.lastCheckAt ?? null,
    lastResult: status?.lastResult ?? null,
    lastError: status?.lastError ?? null,
  };
}
