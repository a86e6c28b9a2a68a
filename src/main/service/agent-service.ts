import path from 'node:path';
import type { AgentSnapshot, AppView, DiagnosisReportView, ErrorView, FleetView, ProgressView, RunRecordView } from '../../shared/api-types';
import type { RequestChannel, RequestOf, ResponseOf, UiEvent } from '../../shared/ipc-contract';
import { Agent } from '../core/agent';
import type { LoadedConfig } from '../core/config/load';
import type { AppConfig } from '../core/config/schema';
import { createEngineContext, type ContextOverrides } from '../core/engine/create-context';
import type { CloseHisAnswer } from '../core/engine/context';
import type { AgentEvent, RunState } from '../core/engine/events';
import { AgentError, toAgentError } from '../core/errors/agent-error';
import type { Logger } from '../core/logger';
import { launchDetached } from '../core/platform/process-inspector';
import type { RunRecord, RunTrigger } from '../core/report/status-store';
import { readLogTail } from './log-tail';
import { describeApp } from './app-view';
import { queryFleet } from '../core/report/fleet-query';
import { diagnose } from '../core/diagnose';
import { writeSupportBundle } from '../core/diagnose/bundle';

/** Pieces that come from other modules or from the shell; each is optional so tests wire only what they use. */
export interface ServiceExtras {
  runDiagnosis?: (appId: string | undefined) => Promise<DiagnosisReportView>;
  exportBundle?: () => Promise<{ path: string; bytes: number }>;
  queryFleet?: (options: { prefix?: string; silentHours?: number }) => Promise<FleetView>;
  copyText?: (text: string) => void;
  openStatusWindow?: () => void;
  /** When the scheduler plans the next check (shown in the IT window). */
  nextCheckAt?: (appId: string) => string | null;
}

export interface ServiceOptions {
  loaded: LoadedConfig;
  logger: Logger;
  logFile: string;
  overrides?: ContextOverrides;
  extras?: ServiceExtras;
  /** Set when the config on disk is broken and `loaded` is the last good one. */
  configError?: AgentError | null;
}

type Handler<C extends RequestChannel> = (request: RequestOf<C>) => Promise<ResponseOf<C>>;

/**
 * The engine as the UI sees it: one handler per IPC request channel and a stream of UI events.
 * Plain Node: the Electron shell forwards validated IPC to it, the e2e tests expose it to a real
 * Chromium page through page.exposeBinding, so both drive the very same code.
 */
export class AgentService {
  readonly agent: Agent;
  private readonly listeners = new Set<(event: UiEvent) => void>();
  private readonly progress = new Map<string, ProgressView>();
  private readonly hisWaiting = new Map<string, { exe: string; sinceMs: number }>();
  private readonly currentRun = new Map<string, { from: string | null; to: string | null }>();
  private readonly pendingPrompts = new Map<string, (answer: CloseHisAnswer) => void>();
  private liveVersions: { at: number; values: Record<string, string | null> } | null = null;
  private running: Promise<unknown> | null = null;
  private runningKind: 'check' | 'update' | null = null;
  private queuedUpdate: Promise<unknown> | null = null;

  constructor(private readonly options: ServiceOptions) {
    const context = createEngineContext(options.loaded, options.logger, {
      ...options.overrides,
      askToCloseHis: (app, signal) => this.askToCloseHis(app, signal),
    });
    this.agent = new Agent(context);
    this.agent.ctx.events.subscribe((event) => this.onAgentEvent(event));
  }

  get apps(): AppConfig[] {
    return this.agent.apps;
  }

  onUiEvent(listener: (event: UiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Starts a run unless one is going; resolves when it ends (the UI follows it through events). A
   * request joins a run of the same or a larger kind; an update asked for during a check is queued
   * to start right after it, never dropped.
   */
  startRun(kind: 'check' | 'update', appId: string | undefined, trigger: RunTrigger): Promise<unknown> {
    if (this.running) {
      if (kind === 'check' || this.runningKind === 'update') return this.running;
      this.queuedUpdate ??= this.running.then(() => {
        this.queuedUpdate = null;
        return this.startRun('update', appId, trigger);
      });
      return this.queuedUpdate;
    }
    this.runningKind = kind;
    const ids = appId ? [appId] : undefined;
    const run = (kind === 'check' ? this.agent.check(ids, trigger) : this.agent.update(ids, trigger))
      .catch((error: unknown) => {
        // Lock held by the CLI, config gone …: show it on every app the run was for.
        const agentError = toAgentError(error, 'INTERNAL_ERROR', { where: kind });
        for (const app of ids ? ids.map((id) => this.agent.app(id)) : this.apps) this.emit({ type: 'error', appId: app.id, error: agentError.toJSON() });
      })
      .finally(async () => {
        this.running = null;
        this.runningKind = null;
        this.liveVersions = null;
        await this.pushSnapshot();
      });
    this.running = run;
    return run;
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  /** The request handlers, keyed by channel: the same table Electron's ipcMain and the e2e bridge use. */
  readonly handlers: { [C in RequestChannel]: Handler<C> } = {
    'agent:get-snapshot': async () => this.snapshot(),
    'agent:check-now': async (request) => {
      void this.startRun('check', request.appId, 'tray');
    },
    'agent:update-now': async (request) => {
      void this.startRun('update', request.appId, 'tray');
    },
    'agent:cancel': async () => {
      this.agent.cancel();
      for (const resolve of this.pendingPrompts.values()) resolve('cancel');
    },
    'agent:answer-his-prompt': async (request) => {
      this.pendingPrompts.get(request.appId)?.(request.answer);
    },
    'agent:get-history': async (request) => {
      const status = await this.agent.readStatus();
      return status.history
        .filter((r) => !request.appId || r.appId === request.appId)
        .slice(-(request.limit ?? 200))
        .reverse()
        .map(toRecordView);
    },
    'agent:get-log-tail': async (request) => readLogTail(this.options.logFile, request),
    'agent:run-diagnosis': async (request) => {
      if (this.options.extras?.runDiagnosis) return this.options.extras.runDiagnosis(request.appId);
      return diagnose(this.agent.ctx, request.appId, { configError: this.options.configError ?? null });
    },
    'agent:export-bundle': async () => {
      if (this.options.extras?.exportBundle) return this.options.extras.exportBundle();
      const diagnosis = await diagnose(this.agent.ctx, undefined, { configError: this.options.configError ?? null }).catch((error: unknown) => ({ error: String(error) }));
      const bundle = await writeSupportBundle({ engine: this.agent.ctx, logFile: this.options.logFile, status: await this.agent.readStatus(), diagnosis });
      return { path: bundle.path, bytes: bundle.bytes };
    },
    'agent:get-fleet': async (request) => {
      if (this.options.extras?.queryFleet) return this.options.extras.queryFleet(request);
      const ctx = this.agent.ctx;
      const silentHours = request.silentHours ?? ctx.loaded.config.fleet.silentHours;
      try {
        const snapshot = await queryFleet(ctx.loaded.config, { secrets: ctx.secrets, logger: ctx.logger, silentHours, ...(request.prefix ? { prefix: request.prefix } : {}) });
        return { generatedAt: snapshot.generatedAt, silentHours: snapshot.silentHours, rows: snapshot.rows, countsByVersion: snapshot.countsByVersion, error: null };
      } catch (error) {
        // The tab shows why the fleet cannot be read instead of failing the request.
        return { generatedAt: new Date().toISOString(), silentHours, rows: [], countsByVersion: [], error: toAgentError(error, 'DB_ERROR', { reason: 'fleet' }).toJSON() };
      }
    },
    'agent:launch-his': async (request) => {
      const app = this.agent.app(request.appId);
      if (!app.hisProcess) throw new AgentError('HIS_LAUNCH_FAILED', { exe: '(hisProcess not configured)' });
      const exe = path.resolve(app.installDir, app.hisProcess.exe ?? app.hisProcess.name);
      await launchDetached(exe, app.hisProcess.args, app.installDir).catch((error: unknown) => {
        throw new AgentError('HIS_LAUNCH_FAILED', { exe }, error);
      });
    },
    'ui:copy-text': async (request) => {
      this.options.extras?.copyText?.(request.text);
    },
    'ui:open-status-window': async () => {
      this.options.extras?.openStatusWindow?.();
    },
  };

  async handle<C extends RequestChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    const handler = this.handlers[channel] as Handler<C>;
    return handler(request);
  }

  async snapshot(): Promise<AgentSnapshot> {
    const status = await this.agent.readStatus();
    const live = await this.installedVersions();
    const ctx = this.agent.ctx;
    return {
      agentVersion: ctx.agentVersion,
      machine: ctx.machine,
      user: ctx.user,
      configFile: ctx.loaded.file,
      logFile: this.options.logFile,
      busy: this.isRunning,
      configError: this.options.configError ? this.options.configError.toJSON() : null,
      apps: this.apps.map(
        (app): AppView => ({
          ...describeApp(app, status.apps[app.id], live[app.id] ?? null),
          state: this.agent.stateOf(app.id),
          progress: this.progress.get(app.id) ?? null,
          nextCheckAt: this.options.extras?.nextCheckAt?.(app.id) ?? null,
          hisWaiting: this.hisWaiting.get(app.id) ?? null,
          currentRun: this.currentRun.get(app.id) ?? null,
        }),
      ),
    };
  }

  private async installedVersions(): Promise<Record<string, string | null>> {
    // Reading a PE version means reading the exe: refresh at most every 30 s or after a run.
    if (!this.liveVersions || Date.now() - this.liveVersions.at > 30_000) {
      this.liveVersions = { at: Date.now(), values: await this.agent.liveInstalledVersions() };
    }
    return this.liveVersions.values;
  }

  private askToCloseHis(app: AppConfig, signal: AbortSignal): Promise<CloseHisAnswer> {
    return new Promise((resolve) => {
      const done = (answer: CloseHisAnswer) => {
        this.pendingPrompts.delete(app.id);
        signal.removeEventListener('abort', onAbort);
        resolve(answer);
      };
      const onAbort = () => done('cancel');
      signal.addEventListener('abort', onAbort, { once: true });
      this.pendingPrompts.set(app.id, done);
    });
  }

  private onAgentEvent(event: AgentEvent): void {
    switch (event.type) {
      case 'state':
        this.onState(event.appId, event.state, event.from, event.to);
        this.emit({ type: 'state', appId: event.appId, state: event.state, from: event.from, to: event.to });
        break;
      case 'progress': {
        const view: ProgressView = { phase: event.phase, ...event.progress };
        this.progress.set(event.appId, view);
        this.emit({ type: 'progress', appId: event.appId, progress: view });
        break;
      }
      case 'his-running':
        this.hisWaiting.set(event.appId, { exe: event.exe, sinceMs: event.waitingSinceMs });
        this.emit({ type: 'his-running', appId: event.appId, exe: event.exe });
        break;
      case 'error':
        this.emit({ type: 'error', appId: event.appId, error: event.error });
        break;
      case 'result':
        this.liveVersions = null;
        break;
      case 'log':
        this.emit({ type: 'log', line: { at: event.at, level: event.level, text: event.message } });
        break;
    }
  }

  private onState(appId: string, state: RunState, from: string | null, to: string | null): void {
    if (state !== 'waiting-for-his') this.hisWaiting.delete(appId);
    if (state !== 'downloading' && state !== 'applying' && state !== 'waiting-for-his') this.progress.delete(appId);
    const active = state === 'checking' || state === 'downloading' || state === 'waiting-for-his' || state === 'applying';
    if (active) this.currentRun.set(appId, { from, to });
    else this.currentRun.delete(appId);
  }

  private async pushSnapshot(): Promise<void> {
    try {
      this.emit({ type: 'snapshot', snapshot: await this.snapshot() });
    } catch (error) {
      this.options.logger.warn('could not build the UI snapshot', { error: String(error) });
    }
  }

  private emit(event: UiEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

export function toRecordView(record: RunRecord): RunRecordView {
  return { ...record, error: record.error as ErrorView | null };
}
