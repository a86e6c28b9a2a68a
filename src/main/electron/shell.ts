import path from 'node:path';
import { EVENT_CHANNEL, type UiEvent } from '../../shared/ipc-contract';
import { defaultConfigPath, resolveAgentDirs, currentPlatform, type PlatformEnv } from '../core/config/paths';
import { DefaultSecretResolver } from '../core/config/secrets';
import type { ContextOverrides } from '../core/engine/create-context';
import { AgentEvents } from '../core/engine/events';
import { toAgentError } from '../core/errors/agent-error';
import type { CheckSummary } from '../core/agent';
import { Scheduler, type SchedulerClock } from '../core/scheduler';
import { AgentService } from '../service/agent-service';
import { applyAutoStart } from './autostart';
import { bootstrapConfig } from './config-bootstrap';
import { APP_USER_MODEL_ID, type ElectronMain } from './electron-api';
import { registerIpc } from './ipc';
import { createIpcRequestHandler } from './ipc-handler';
import { openShellLog, type ShellLog } from './logging';
import { NotificationPolicy, type NotificationSpec } from './notification-policy';
import { createProtectedDecryptor, runProtectSecret } from './secret-store';
import { parseShellArgs } from './shell-args';
import { ShutdownGuard } from './shutdown-guard';
import { TrayController } from './tray';
import { TrayModel, type TrayActions } from './tray-model';
import { hardenContents, hardenSession, WindowManager } from './windows';
import { isRendererPage } from './web-security';

export interface ShellEnvironment {
  argv: string[];
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** Where dist/ lives: the project folder in development, resources/app.asar when packaged. */
  appPath: string;
  /** process.resourcesPath: assets/ and config.default.json when packaged. */
  resourcesPath: string;
  stdin: AsyncIterable<string | Buffer>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Tests: a fake clock for the scheduler, engine overrides, and a platform for default folders. */
  schedulerClock?: SchedulerClock;
  overrides?: ContextOverrides;
  platformEnv?: PlatformEnv;
  /** Echo the log to the console (default: in development builds). */
  logToConsole?: boolean;
}

/** What a running shell exposes (tests drive and inspect it). */
export interface ShellHandle {
  service: AgentService;
  scheduler: Scheduler;
  guard: ShutdownGuard;
  windows: WindowManager;
  tray: TrayController;
  model: TrayModel;
  log: ShellLog;
  actions: TrayActions;
  launch(appId: string): Promise<void>;
}

/**
 * The Electron main process, with the electron module passed in. Keeps to wiring: every decision
 * lives in a plain module (tray-model, notification-policy, shutdown-guard, ipc-handler, scheduler,
 * config-bootstrap) or in the engine behind AgentService.
 */
export async function runShell(electron: ElectronMain, env: ShellEnvironment): Promise<ShellHandle | null> {
  const { app } = electron;
  const args = parseShellArgs(env.argv);
  if (env.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);

  if (args.protectSecret) {
    await app.whenReady();
    const code = await runProtectSecret(electron.safeStorage, env.stdin, env.stdout, env.stderr);
    app.exit(code);
    return null;
  }

  if (!app.requestSingleInstanceLock()) {
    // The first instance receives our argv in 'second-instance' (focus, or `launch <app>`).
    app.quit();
    return null;
  }
  // A tray app: closing every window must not quit.
  app.on('window-all-closed', () => undefined);
  // A second start while this one is still starting up is held until the windows exist.
  let onSecondStart: ((argv: string[]) => void) | null = null;
  const earlySecondStarts: string[][] = [];
  app.on('second-instance', (_event, argv) => (onSecondStart ? onSecondStart(argv) : earlySecondStarts.push(argv)));
  await app.whenReady();

  const platformEnv = env.platformEnv ?? currentPlatform();
  const configFile = path.resolve(args.config ?? env.env.HIS_UPDATE_CONFIG ?? defaultConfigPath(platformEnv));
  const events = new AgentEvents();
  const log = openShellLog(resolveAgentDirs(configFile, {}, platformEnv).logDir, { console: env.logToConsole ?? !app.isPackaged, events });
  const logger = log.logger;
  const assetsDir = app.isPackaged ? path.join(env.resourcesPath, 'assets') : path.join(env.appPath, 'assets');
  const defaultConfig = app.isPackaged ? path.join(env.resourcesPath, 'config.default.json') : path.join(env.appPath, 'examples', 'config.seed-case.json');
  logger.info('tray starting', { version: app.getVersion(), config: configFile, argv: env.argv.slice(1).join(' ') });

  const tray = new TrayController({
    electron,
    iconDir: assetsDir,
    platform: env.platform,
    logger,
    onNotificationClick: () => windows.showNurse(),
    onClick: () => windows.showNurse(),
  });

  let boot;
  try {
    boot = await bootstrapConfig({ configFile, defaultConfig, logger, platform: platformEnv });
  } catch (error) {
    const failure = toAgentError(error, 'CONFIG_INVALID', { file: configFile, key: '(file)', expected: 'a readable config' });
    logger.error('no usable config: the tray cannot start', { code: failure.code, detail: failure.detail });
    tray.notify({ kind: 'failure', appId: '-', title: 'HIS 更新助手无法启动 / cannot start', body: failure.zh });
    setTimeout(() => app.exit(1), 5000);
    return null;
  }
  const { loaded, configError } = boot;
  if (loaded.dirs.logDir !== path.dirname(log.file)) log.moveTo(loaded.dirs.logDir);

  const secrets = new DefaultSecretResolver(env.env, createProtectedDecryptor(electron.safeStorage));
  let scheduler: Scheduler | null = null;
  let windows!: WindowManager;
  // The engine reports every run to the fleet table itself; the shell adds the heartbeat on the schedule.
  const fleetEnabled = loaded.config.fleet.enabled && loaded.config.database !== undefined;
  const service: AgentService = new AgentService({
    loaded,
    logger,
    logFile: log.file,
    configError,
    overrides: { ...env.overrides, secrets, events },
    extras: {
      copyText: (text) => electron.clipboard.writeText(text),
      openStatusWindow: () => windows.showStatus(),
      nextCheckAt: (appId) => scheduler?.nextCheckAt(appId) ?? null,
    },
  });

  const guard = new ShutdownGuard({
    isRunning: () => service.isRunning,
    cancelRun: () => void service.handle('agent:cancel', undefined),
    runEnded: () => waitUntilIdle(service),
    logger,
  });

  const rendererIndex = path.join(env.appPath, 'dist', 'renderer', 'index.html');
  windows = new WindowManager({
    BrowserWindow: electron.BrowserWindow,
    rendererIndex,
    preload: path.join(env.appPath, 'dist', 'preload', 'preload.js'),
    icon: env.platform === 'win32' ? path.join(assetsDir, 'app.ico') : path.join(assetsDir, 'app-256.png'),
    devTools: !app.isPackaged,
    logger,
  });
  hardenSession(electron.session.defaultSession, { rendererDir: path.dirname(rendererIndex), platform: env.platform, logger });
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, logger));

  registerIpc(
    electron.ipcMain,
    createIpcRequestHandler({
      service,
      isTrustedPage: (url) => isRendererPage(url, rendererIndex, env.platform),
      gate: (channel) => (channel === 'agent:check-now' || channel === 'agent:update-now' ? guard.refusal() : null),
      logger,
    }),
  );

  const model = new TrayModel();
  const names = new Map(service.apps.map((a) => [a.id, a.displayName]));
  const policy = new NotificationPolicy((appId) => names.get(appId) ?? appId);
  service.onUiEvent((event: UiEvent) => {
    windows.send(EVENT_CHANNEL, event);
    guard.onEvent(event);
    if (model.apply(event)) tray.render(model);
    const notification = policy.onEvent(event);
    if (notification) tray.notify(notification);
    // The nurse sees a run that touches her PC: quietly when it downloads, in front when she must act.
    if (event.type === 'state' && event.state === 'downloading') windows.showNurse(false);
    if (event.type === 'his-running') windows.showNurse(true);
  });

  const notifyFailure = (appId: string, error: unknown) => {
    const view = toAgentError(error, 'INTERNAL_ERROR', { where: 'tray' }).toJSON();
    tray.notify({ kind: 'failure', appId, title: `${names.get(appId) ?? appId} / HIS`, body: view.zh } satisfies NotificationSpec);
  };
  const launch = async (appId: string): Promise<void> => {
    windows.showNurse();
    let id = appId;
    try {
      id = service.agent.app(appId).id;
    } catch (error) {
      notifyFailure(appId, error);
      return;
    }
    if (!guard.ending) {
      // A run already going (a scheduled check) finishes first; then this app is brought up to date.
      while (service.isRunning) await service.startRun('check', undefined, 'launch');
      await service.startRun('update', id, 'launch');
    }
    // A failed update still starts the installed version: the ward must keep working.
    await service.handle('agent:launch-his', { appId: id }).catch((error: unknown) => notifyFailure(id, error));
  };

  const actions: TrayActions = {
    checkNow: () => {
      windows.showNurse();
      if (!guard.ending) void service.startRun('check', undefined, 'tray');
    },
    showProgress: () => windows.showNurse(),
    openStatus: () => windows.showStatus(),
    openDiagnosis: () => windows.showStatus('diagnosis'),
    launchHis: (appId) => void service.handle('agent:launch-his', { appId }).catch((error: unknown) => notifyFailure(appId, error)),
    quit: () => app.quit(),
  };

  model.applySnapshot(await service.snapshot());
  tray.create(
    model,
    service.apps.map((a) => ({ id: a.id, displayName: a.displayName, launchable: a.hisProcess !== undefined })),
    actions,
  );

  // The hidden nurse window is the one Windows sends its logoff/shutdown messages to.
  const nurse = windows.ensureNurse();
  nurse.on('query-session-end', (event) => {
    if (guard.onQuerySessionEnd(event.reasons, () => app.quit())) event.preventDefault();
  });
  nurse.on('session-end', (event) => guard.onSessionEnd(event.reasons));
  electron.powerMonitor.on('shutdown', () => guard.begin('shutdown'));
  electron.powerMonitor.on('resume', () => scheduler?.wake());
  app.on('before-quit', (event) => {
    windows.allowClose();
    if (guard.onBeforeQuit(() => app.quit())) {
      event.preventDefault();
      return;
    }
    scheduler?.stop();
    tray.destroy();
  });
  onSecondStart = (argv) => {
    const forwarded = parseShellArgs(argv);
    logger.info('second start forwarded', { launch: forwarded.launch ?? '-', autostart: forwarded.autostart });
    if (forwarded.launch) void launch(forwarded.launch);
    else if (!forwarded.autostart) windows.showNurse();
  };
  for (const argv of earlySecondStarts.splice(0)) onSecondStart(argv);

  applyAutoStart(app, loaded.config.schedule.autoStart, { exePath: app.getPath('exe'), platform: env.platform, logger });
  if (args.autostart && !loaded.config.schedule.autoStart) {
    logger.info('started at logon but schedule.autoStart is off: quitting');
    app.quit();
    return null;
  }

  try {
    const recovered = await service.agent.recover();
    if (recovered.length > 0) logger.info('interrupted applies recovered at start', { apps: recovered.map((r) => `${r.appId}:${r.outcome}`).join(', ') });
  } catch (error) {
    logger.warn('recovery at start did not run', { error: String(error) });
  }

  scheduler = new Scheduler({
    schedule: loaded.config.schedule,
    logger,
    ...(env.schedulerClock ? { clock: env.schedulerClock } : {}),
    ...(fleetEnabled ? { heartbeatMinutes: loaded.config.fleet.heartbeatMinutes } : {}),
    actions: {
      canStart: () => !guard.ending && !service.isRunning,
      check: async () => {
        const result = await service.startRun('check', undefined, 'schedule');
        if (!Array.isArray(result)) return null;
        return (result as CheckSummary[]).map((s) => ({ appId: s.appId, updateAvailable: s.updateAvailable, mandatory: s.mandatory === true }));
      },
      update: async (appIds) => {
        if (!appIds) {
          await service.startRun('update', undefined, 'schedule');
          return;
        }
        for (const id of appIds) if (!guard.ending) await service.startRun('update', id, 'schedule');
      },
      ...(fleetEnabled ? { heartbeat: () => service.agent.heartbeat() } : {}),
    },
  });
  scheduler.start();

  if (args.launch) void launch(args.launch);
  return { service, scheduler, guard, windows, tray, model, log, actions, launch };
}

/** Resolves once no run is going (startRun hands back the running promise while one is). */
async function waitUntilIdle(service: AgentService): Promise<void> {
  while (service.isRunning) {
    await service.startRun('check', undefined, 'tray').catch(() => undefined);
  }
}
