import fsp from 'node:fs/promises';
import path from 'node:path';
import type { AgentErrorData } from '../errors/agent-error';
import { redactValue } from '../config/redact';
import { writeFileAtomic } from '../util/fs-atomic';
import type { Logger } from '../logger';

export type RunOutcome = 'updated' | 'up-to-date' | 'update-available' | 'failed' | 'deferred' | 'recovered';
export type RunTrigger = 'cli' | 'schedule' | 'tray' | 'launch' | 'startup' | 'ipc';

/** One line of history: what a run did for one app. */
export interface RunRecord {
  runId: string;
  appId: string;
  trigger: RunTrigger;
  startedAt: string;
  endedAt: string;
  from: string | null;
  to: string | null;
  outcome: RunOutcome;
  bytesMoved: number;
  filesChanged: number;
  durationMs: number;
  error: AgentErrorData | null;
}

export interface AppStatus {
  appId: string;
  installedVersion: string | null;
  targetVersion: string | null;
  targetSource: string | null;
  /** Version in the share's manifest, when known (may differ from the database's target). */
  shareVersion: string | null;
  lastCheckAt: string | null;
  lastResult: RunOutcome | null;
  lastError: AgentErrorData | null;
  /** Release files applied last (mirror mode deletes only files of the previous release). */
  appliedFiles: string[] | null;
}

export interface StatusFile {
  format: 1;
  updatedAt: string;
  apps: Record<string, AppStatus>;
  history: RunRecord[];
}

const emptyStatus = (): StatusFile => ({ format: 1, updatedAt: new Date().toISOString(), apps: {}, history: [] });

export function emptyAppStatus(appId: string): AppStatus {
  return { appId, installedVersion: null, targetVersion: null, targetSource: null, shareVersion: null, lastCheckAt: null, lastResult: null, lastError: null, appliedFiles: null };
}

/**
 * status.json in the state folder: per-app status and a bounded history. Written atomically; a
 * damaged file is set aside (status.json.corrupt-<time>) and rebuilt, never a reason to stop.
 */
export class StatusStore {
  readonly file: string;

  constructor(stateDir: string, private readonly historyLimit: number, private readonly logger: Logger) {
    this.file = path.join(stateDir, 'status.json');
  }

  async read(): Promise<StatusFile> {
    let text: string;
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyStatus();
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as StatusFile;
      if (parsed.format !== 1 || typeof parsed.apps !== 'object' || !Array.isArray(parsed.history)) throw new Error('unexpected shape');
      return parsed;
    } catch (error) {
      const aside = `${this.file}.corrupt-${Date.now()}`;
      await fsp.rename(this.file, aside).catch(() => {});
      this.logger.warn(`status file was damaged (${String(error)}); kept as ${aside} and rebuilt`);
      return emptyStatus();
    }
  }

  /** Read-modify-write under the run lock (the only writer). */
  async update(change: (status: StatusFile) => void): Promise<StatusFile> {
    const status = await this.read();
    change(status);
    status.history = status.history.slice(-this.historyLimit);
    status.updatedAt = new Date().toISOString();
    await writeFileAtomic(this.file, JSON.stringify(redactValue(status), null, 1), 0o644);
    return status;
  }
}
