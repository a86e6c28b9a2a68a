import crypto from 'node:crypto';
import type { AppConfig } from './config/schema';
import { AgentError, toAgentError } from './errors/agent-error';
import { recoverMirror } from './apply/mirror';
import type { EngineContext } from './engine/context';
import type { RunState } from './engine/events';
import { checkApp, updateApp, type CheckResult, type UpdateReport } from './engine/update-app';
import { acquireRunLock } from './lock';
import { emptyAppStatus, StatusStore, type RunOutcome, type RunRecord, type RunTrigger, type StatusFile } from './report/status-store';
import { ShareSession } from './share/share-session';
import { removeStaleTemps } from './util/fs-atomic';
import { readLocalVersion } from './version/local-version';

export interface CheckSummary {
  appId: string;
  installed: string | null;
  target: string | null;
  targetSource: string | null;
  updateAvailable: boolean;
  /** The version source marked the target mandatory (the scheduler applies it outside the window). */
  mandatory: boolean;
  error: AgentError | null;
}

/**
 * The engine's front door. One instance per process; the tray, the CLI and tests call the same
 * methods. Every run takes the machine-wide lock, recovers interrupted applies first, and records
 * its outcome in status.json and as events.
 */
export class Agent {
  readonly status: StatusStore;
  private readonly states = new Map<string, RunState>();
  private current: AbortController | null = null;
  private fleetPending: Promise<unknown> = Promise.resolve();

  constructor(readonly ctx: EngineContext) {
    this.status = new StatusStore(ctx.loaded.dirs.stateDir, ctx.loaded.config.agent.historyLimit, ctx.logger);
  }

  get apps(): AppConfig[] {
    return this.ctx.loaded.config.apps;
  }

  stateOf(appId: string): RunState {
    return this.states.get(appId) ?? 'idle';
  }

  get busy(): boolean {
    return this.current !== null;
  }

  /** Stops the current run at its next step (download chunk, wait); apply itself is never cut short. */
  cancel(): void {
    this.current?.abort(new AgentError('CANCELLED'));
  }

  app(appId: string): AppConfig {
    const app = this.apps.find((a) => a.id.toLowerCase() === appId.toLowerCase());
    if (!app) throw new AgentError('CONFIG_APP_UNKNOWN', { app: appId, known: this.apps.map((a) => a.id).join(', ') });
    return app;
  }

  private select(appIds?: string[]): AppConfig[] {
    return appIds && appIds.length > 0 ? appIds.map((id) => this.app(id)) : this.apps;
  }

  /** Asks the version source; downloads nothing. */
  async check(appIds?: string[], trigger: RunTrigger = 'cli'): Promise<CheckSummary[]> {
    const apps = this.select(appIds);
    return this.withLock(`check (${trigger})`, async () => {
      await this.recoverUnlocked();
      const results: CheckSummary[] = [];
      for (const app of apps) {
        const startedAt = new Date();
        this.setState(app.id, 'checking', null, null);
        const session = new ShareSession(this.ctx.shares, app);
        let result: CheckResult | null = null;
        let error: AgentError | null = null;
        try {
          result = await checkApp(this.ctx, app, session);
        } catch (e) {
          error = toAgentError(e, 'INTERNAL_ERROR', { where: 'check' });
        } finally {
          await session.close();
        }
        const outcome: RunOutcome = error ? 'failed' : result!.updateAvailable ? 'update-available' : 'up-to-date';
        this.setState(app.id, error ? 'failed' : result!.updateAvailable ? 'update-available' : 'up-to-date', result?.installed ?? null, result?.target.version ?? null);
        const record = this.record(app.id, trigger, startedAt, outcome, {
          from: result?.installed ?? null,
          to: result?.target.version ?? null,
          bytesMoved: 0,
          filesChanged: 0,
          error,
        });
        await this.save(app.id, record, (s) => {
          if (result) {
            s.installedVersion = result.installed;
            s.targetVersion = result.target.version;
            s.targetSource = result.target.source;
            if (result.target.source === 'manifest') s.shareVersion = result.target.version;
          }
        });
        results.push({
          appId: app.id,
          installed: result?.installed ?? null,
          target: result?.target.version ?? null,
          targetSource: result?.target.source ?? null,
          updateAvailable: result?.updateAvailable ?? false,
          mandatory: result?.target.mandatory ?? false,
          error,
        });
      }
      return results;
    });
  }

  /** Full run for each selected app: check, download, apply, record. Returns one record per app. */
  async update(appIds?: string[], trigger: RunTrigger = 'cli'): Promise<RunRecord[]> {
    const apps = this.select(appIds);
    return this.withLock(`update (${trigger})`, async () => {
      await this.recoverUnlocked();
      const records: RunRecord[] = [];
      for (const app of apps) records.push(await this.updateOne(app, trigger));
      return records;
    });
  }

  /** Completes or rolls back applies a crash interrupted. Runs at every start of the tray and CLI. */
  async recover(): Promise<RunRecord[]> {
    return this.withLock('recover', () => this.recoverUnlocked());
  }

  async readStatus(): Promise<StatusFile> {
    return this.status.read();
  }

  /** Installed versions read now (not from the status file), for the IT window and `status`. */
  async liveInstalledVersions(): Promise<Record<string, string | null>> {
    const out: Record<string, string | null> = {};
    for (const app of this.apps) out[app.id] = await readLocalVersion(app, { commands: this.ctx.commands }).catch(() => null);
    return out;
  }

  private async updateOne(app: AppConfig, trigger: RunTrigger): Promise<RunRecord> {
    const startedAt = new Date();
    const previous = (await this.status.read()).apps[app.id];
    const report: UpdateReport = { from: null, to: null, updated: false, bytesMoved: 0, filesChanged: 0, release: null, source: null };
    const controller = new AbortController();
    this.current = controller;
    let error: AgentError | null = null;
    try {
      await updateApp(
        this.ctx,
        app,
        {
          signal: controller.signal,
          previousFiles: previous?.appliedFiles ?? null,
          onState: (state, from, to) => this.setState(app.id, state, from, to),
        },
        report,
      );
    } catch (e) {
      error = toAgentError(controller.signal.aborted ? controller.signal.reason : e, 'INTERNAL_ERROR', { where: 'update' });
      if (!(e instanceof AgentError)) this.ctx.logger.error(`unexpected failure updating ${app.id}`, { stack: (e as Error)?.stack });
    } finally {
      this.current = null;
    }
    const outcome: RunOutcome = error ? (error.code === 'HIS_RUNNING' ? 'deferred' : 'failed') : report.updated ? 'updated' : 'up-to-date';
    this.setState(app.id, error ? (outcome === 'deferred' ? 'deferred' : 'failed') : report.updated ? 'done' : 'up-to-date', report.from, report.to);
    const record = this.record(app.id, trigger, startedAt, outcome, { ...report, error });
    await this.save(app.id, record, (s) => {
      s.targetVersion = report.to ?? s.targetVersion;
      s.targetSource = report.source ?? s.targetSource;
      if (report.release && !report.release.listingMode) s.shareVersion = report.release.version;
      if (report.updated) {
        s.installedVersion = report.to;
        s.appliedFiles = report.release?.files.map((f) => f.path) ?? null;
      } else if (report.from !== null || !error) {
        s.installedVersion = report.from;
      }
    });
    if (error) this.ctx.events.emit({ type: 'error', appId: app.id, error: error.toJSON() });
    return record;
  }

  private async recoverUnlocked(): Promise<RunRecord[]> {
    const records: RunRecord[] = [];
    for (const temp of await removeStaleTemps(this.ctx.loaded.dirs.stateDir)) this.ctx.logger.info(`removed a temp file an interrupted run left: ${temp}`);
    for (const app of this.apps) {
      if (app.apply.mode !== 'mirror') continue;
      const startedAt = new Date();
      let outcome;
      try {
        outcome = await recoverMirror(app.installDir, this.ctx.logger);
      } catch (e) {
        const error = toAgentError(e, 'ROLLBACK_FAILED', { dir: app.installDir, file: '(journal)' });
        const record = this.record(app.id, 'startup', startedAt, 'failed', { from: null, to: null, bytesMoved: 0, filesChanged: 0, error });
        await this.save(app.id, record, () => {});
        records.push(record);
        continue;
      }
      if (outcome.kind === 'none') continue;
      const installedNow = outcome.kind === 'completed' ? outcome.to : outcome.from;
      const record = this.record(app.id, 'startup', startedAt, 'recovered', { from: outcome.from, to: installedNow, bytesMoved: 0, filesChanged: 0, error: null });
      await this.save(app.id, record, (s) => {
        s.installedVersion = installedNow;
        if (outcome.kind === 'completed') s.appliedFiles = outcome.releaseFiles;
      });
      records.push(record);
    }
    return records;
  }

  private async withLock<T>(owner: string, body: () => Promise<T>): Promise<T> {
    const lock = await acquireRunLock(this.ctx.loaded.dirs.stateDir, owner);
    try {
      return await body();
    } finally {
      await lock.release();
    }
  }

  private setState(appId: string, state: RunState, from: string | null, to: string | null): void {
    this.states.set(appId, state);
    this.ctx.events.emit({ type: 'state', appId, state, from, to, at: new Date().toISOString() });
  }

  private record(
    appId: string,
    trigger: RunTrigger,
    startedAt: Date,
    outcome: RunOutcome,
    facts: { from: string | null; to: string | null; bytesMoved: number; filesChanged: number; error: AgentError | null },
  ): RunRecord {
    const endedAt = new Date();
    return {
      runId: `${startedAt.getTime().toString(36)}-${crypto.randomBytes(3).toString('hex')}`,
      appId,
      trigger,
      startedAt: startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      from: facts.from,
      to: facts.to,
      outcome,
      bytesMoved: facts.bytesMoved,
      filesChanged: facts.filesChanged,
      durationMs: endedAt.getTime() - startedAt.getTime(),
      error: facts.error ? facts.error.toJSON() : null,
    };
  }

  /** Appends the record (folding repeated "up to date" checks into one line) and updates the app's status. */
  private async save(appId: string, record: RunRecord, change: (s: ReturnType<typeof emptyAppStatus>) => void): Promise<void> {
    try {
      await this.status.update((status) => {
        const app = (status.apps[appId] ??= emptyAppStatus(appId));
        change(app);
        app.lastCheckAt = record.endedAt;
        app.lastResult = record.outcome;
        app.lastError = record.error;
        const last = status.history[status.history.length - 1];
        const quietRepeat =
          last !== undefined &&
          last.appId === appId &&
          last.outcome === record.outcome &&
          (record.outcome === 'up-to-date' || record.outcome === 'update-available') &&
          last.from === record.from &&
          last.to === record.to;
        if (quietRepeat) status.history[status.history.length - 1] = { ...record, startedAt: last.startedAt };
        else status.history.push(record);
      });
    } catch (error) {
      // The run itself is over (and may have succeeded): report, do not turn it into a failure.
      const failure = new AgentError('STATUS_WRITE_FAILED', { file: this.status.file }, error);
      this.ctx.logger.error(failure.en, { detail: failure.detail });
      this.ctx.events.emit({ type: 'error', appId, error: failure.toJSON() });
    }
    this.ctx.events.emit({ type: 'result', appId, record });
    this.reportToFleet(appId, record.outcome, record.endedAt, record);
  }

  /** Re-sends every app's last status with the current time, so IT can tell a quiet PC from a dead one. */
  async heartbeat(): Promise<void> {
    if (!this.ctx.fleet) return;
    const status = await this.status.read();
    for (const app of this.apps) {
      const s = status.apps[app.id];
      const last = [...status.history].reverse().find((r) => r.appId === app.id);
      this.reportToFleet(app.id, s?.lastResult ?? 'unknown', new Date().toISOString(), last, s?.installedVersion, s?.targetVersion);
    }
    await this.fleetPending;
  }

  /** Lets a short-lived process (the CLI) give the fleet report a moment before it exits; the row is queued either way. */
  async flushFleet(timeoutMs: number): Promise<void> {
    await Promise.race([this.fleetPending, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }

  private reportToFleet(appId: string, state: string, reportedAt: string, record: RunRecord | undefined, installed?: string | null, target?: string | null): void {
    const fleet = this.ctx.fleet;
    if (!fleet) return;
    const row = {
      machine: this.ctx.machine,
      user: this.ctx.user,
      app: appId,
      installedVersion: installed !== undefined ? installed : record?.outcome === 'updated' ? record.to : (record?.from ?? null),
      targetVersion: target !== undefined ? target : (record?.to ?? null),
      state,
      errorCode: record?.error?.code ?? null,
      messageZh: record?.error?.zh ?? null,
      durationMs: record?.durationMs ?? null,
      bytesMoved: record?.bytesMoved ?? null,
      agentVersion: this.ctx.agentVersion,
      reportedAt,
    };
    // Chained, never awaited by a run: a database that is down only leaves the row in the local queue.
    this.fleetPending = this.fleetPending.then(() =>
      fleet.report(row).then((outcome) => {
        if (outcome.error) this.ctx.logger.warn(`fleet report queued (${outcome.pending} waiting): ${outcome.error.code}`, { detail: outcome.error.detail });
      }, (error: unknown) => this.ctx.logger.warn('fleet report failed', { error: String(error) })),
    );
  }
}
