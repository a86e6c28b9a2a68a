import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_UPDATER_SOURCE } from '../../src/main/cli/demo/demo-updater';
import type { SchedulerClock } from '../../src/main/core/scheduler';
import type { ElectronMain } from '../../src/main/electron/electron-api';
import type { ShellHandle, ShellEnvironment } from '../../src/main/electron/shell';
import { EVENT_CHANNEL, REQUEST_CHANNELS, type IpcEnvelope } from '../../src/shared/ipc-contract';
import { createElectronStandIn, installElectronStandIn, type ElectronStandIn } from '../helpers/electron-stand-in';
import { createScenario, installState, type Scenario } from '../helpers/scenario';

let runShell: (electron: ElectronMain, env: ShellEnvironment) => Promise<ShellHandle | null>;
let uninstall: () => void;
const root = path.resolve(__dirname, '../..');

beforeAll(async () => {
  // electron-log/main requires 'electron' when the shell's logging module loads: the stand-in must be there first.
  uninstall = installElectronStandIn(createElectronStandIn());
  ({ runShell } = await import('../../src/main/electron/shell'));
});
afterAll(() => uninstall());

/** The scheduler never fires on its own here: tests drive runs through the tray and IPC. */
const idleClock: SchedulerClock = { now: () => Date.now(), setTimer: () => () => undefined, random: () => 0 };

let scenario: Scenario | null = null;
let electron: ElectronStandIn | null = null;
afterEach(async () => {
  if (electron && !electron.app.quitted) electron.app.quit();
  await scenario?.cleanup();
  scenario = null;
  electron = null;
});

async function start(options: {
  argv?: string[];
  platform?: NodeJS.Platform;
  isPackaged?: boolean;
  lockAvailable?: boolean;
  scenario?: Parameters<typeof createScenario>[0];
  config?: (config: Record<string, any>) => void;
  hisRunning?: () => boolean;
}): Promise<{ handle: ShellHandle | null; electron: ElectronStandIn; scenario: Scenario }> {
  scenario = await createScenario(options.scenario ?? { mode: 'mirror', files: 12, totalBytes: 96 * 1024 });
  await scenario.writeConfig((config) => {
    config.schedule = { checkAtStart: false, autoStart: true };
    options.config?.(config);
  });
  electron = createElectronStandIn({
    lockAvailable: options.lockAvailable ?? true,
    isPackaged: options.isPackaged ?? false,
    userData: path.join(scenario.root, 'userData'),
  });
  const home = path.join(scenario.root, 'home');
  const hisRunning = options.hisRunning;
  const handle = await runShell(electron as unknown as ElectronMain, {
    argv: [...(options.argv ?? ['HisUpdateAgent.exe']), '--config', scenario.configFile],
    env: { PATH: process.env.PATH },
    platform: options.platform ?? 'linux',
    appPath: root,
    resourcesPath: path.join(root, 'build'),
    stdin: (async function* () {})(),
    stdout: { write: () => true },
    stderr: { write: () => true },
    schedulerClock: idleClock,
    logToConsole: false,
    platformEnv: { platform: 'linux', env: { XDG_STATE_HOME: path.join(home, 'state'), XDG_CONFIG_HOME: path.join(home, 'config') }, homedir: home },
    overrides: { hisPollMs: 50, ...(hisRunning ? { processes: { isRunning: async () => hisRunning() } } : {}) },
  });
  return { handle, electron, scenario };
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const iconNames = (e: ElectronStandIn) => e.Tray.instances[0]!.images.map((f) => path.basename(f).replace(/(-32)?\.(png|ico)$/, ''));

describe('Electron shell with the stand-in electron module', () => {
  it('starts into the tray: icon and tooltip from the snapshot, a hidden sandboxed nurse window, IPC for every channel, a hardened session', async () => {
    const { handle, electron: e } = await start({});
    expect(handle).not.toBeNull();
    const tray = e.Tray.instances[0]!;
    expect(path.basename(tray.image.file)).toBe('tray-idle-32.png');
    expect(tray.tooltip).toBe('HIS 更新助手\n护士工作站 1.0.0 · 空闲');
    expect(tray.menu!.items.map((i) => i.label).filter(Boolean)).toEqual([
      '检查更新 / Check now',
      '显示进度 / Show progress',
      '状态窗口 (IT) / Status (IT)',
      '诊断 / Diagnose',
      '启动 HIS / Start HIS',
      '退出 / Quit',
    ]);

    expect(e.BrowserWindow.instances).toHaveLength(1);
    const nurse = e.BrowserWindow.instances[0]!;
    expect(nurse.visible).toBe(false);
    expect(nurse.loaded).toEqual({ file: path.join(root, 'dist/renderer/index.html'), query: { view: 'nurse' } });
    expect(nurse.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, preload: path.join(root, 'dist/preload/preload.js') });

    expect([...e.ipcMain.handlers.keys()].filter((c) => !c.startsWith('__')).sort()).toEqual([...REQUEST_CHANNELS].sort());

    // Navigation and new windows refused; remote and foreign local files cancelled; CSP header on ours.
    expect(nurse.webContents.tryNavigate('https://evil.example/')).toBe(false);
    expect(nurse.webContents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(e.session.defaultSession.request('https://evil.example/x.js').cancelled).toBe(true);
    expect(e.session.defaultSession.request(pathToFileURL('/etc/passwd').href).cancelled).toBe(true);
    const own = e.session.defaultSession.request(pathToFileURL(path.join(root, 'dist/renderer/assets/index.js')).href);
    expect(own.cancelled).toBe(false);
    expect(own.headers!['Content-Security-Policy']![0]).toContain("script-src 'self'");
    let granted: boolean | null = null;
    e.session.defaultSession.permissionRequestHandler!({}, 'media', (ok: boolean) => (granted = ok));
    expect(granted).toBe(false);
  });

  it('tray menu items call the engine: check now runs a real check (icon checking → idle, tooltip 有新版本); windows open on the right view; quit quits', async () => {
    const { handle, electron: e } = await start({});
    const tray = e.Tray.instances[0]!;
    tray.clickMenu('check-now');
    expect(handle!.service.isRunning).toBe(true);
    await until(() => !handle!.service.isRunning);
    expect(iconNames(e)).toEqual(['tray-idle', 'tray-checking', 'tray-idle']);
    expect(tray.tooltip).toBe('HIS 更新助手\n护士工作站 1.0.0 · 有新版本');
    const history = await handle!.service.handle('agent:get-history', { limit: 1 });
    expect(history[0]).toMatchObject({ outcome: 'update-available', trigger: 'tray', to: '2.0.0' });

    const nurse = e.BrowserWindow.instances[0]!;
    nurse.hide();
    tray.clickMenu('show-progress');
    expect(nurse.visible).toBe(true);
    tray.clickMenu('status-window');
    expect(e.BrowserWindow.instances[1]!.loaded!.query).toEqual({ view: 'status' });
    e.BrowserWindow.instances[1]!.close();
    tray.clickMenu('diagnose');
    expect(e.BrowserWindow.instances[2]!.loaded!.query).toEqual({ view: 'status', tab: 'diagnosis' });
    // Closing the nurse window only hides it (it receives Windows' logoff messages).
    nurse.close();
    expect(nurse.destroyed).toBe(false);
    expect(nurse.visible).toBe(false);

    tray.clickMenu('quit');
    expect(e.app.quitted).toBe(true);
    expect(tray.destroyed).toBe(true);
  });

  it('an update from the renderer page: icon updating → up-to-date, events reach the windows, success notification; a foreign page is refused', async () => {
    const { handle, electron: e, scenario: s } = await start({});
    const nurse = e.BrowserWindow.instances[0]!;
    const foreign = (await e.ipcMain.invokeFrom({ url: 'https://evil.example/' }, 'agent:update-now', {})) as IpcEnvelope<void>;
    expect(foreign).toMatchObject({ ok: false, error: { code: 'IPC_SENDER_REFUSED' } });
    expect(handle!.service.isRunning).toBe(false);

    const reply = (await e.ipcMain.invokeFrom({ url: nurse.url }, 'agent:update-now', {})) as IpcEnvelope<void>;
    expect(reply).toEqual({ ok: true, value: undefined });
    await until(() => !handle!.service.isRunning);
    expect(await installState(s)).toBe('new');
    const icons = iconNames(e);
    expect(icons[0]).toBe('tray-idle');
    expect(icons).toContain('tray-updating');
    expect(icons.at(-1)).toBe('tray-up-to-date');
    expect(e.Tray.instances[0]!.tooltip).toBe('HIS 更新助手\n护士工作站 2.0.0 · 已更新');
    const sent = nurse.webContents.sent.filter((m) => m.channel === EVENT_CHANNEL).map((m) => (m.payload as { type: string }).type);
    expect(sent).toContain('progress');
    expect(sent.at(-1)).toBe('snapshot');
    expect(e.Notification.instances.map((n) => n.options.title)).toEqual(['护士工作站 已更新 / updated']);
    expect(e.Notification.instances[0]!.options.body).toContain('2.0.0');
    // The download opened the nurse window without taking focus from the HIS.
    expect(nurse.visible).toBe(true);
  });

  it('a failed update shows a notification carrying the zh message, and the error icon', async () => {
    const { handle, electron: e, scenario: s } = await start({ config: (c) => (c.apps[0].share.path = path.join(os.tmpdir(), 'his-no-such-share-' + process.pid)) });
    void s;
    await e.ipcMain.invokeFrom({ url: e.BrowserWindow.instances[0]!.url }, 'agent:update-now', {});
    await until(() => !handle!.service.isRunning);
    const [record] = await handle!.service.handle('agent:get-history', { limit: 1 });
    expect(record!.outcome).toBe('failed');
    const failure = e.Notification.instances.find((n) => n.options.title.includes('更新失败'));
    expect(failure?.options.body).toBe(record!.error!.zh);
    expect(failure!.options.body).toMatch(/[\u4e00-\u9fff]/);
    expect(iconNames(e).at(-1)).toBe('tray-error');
    // Clicking it shows the nurse window with the details.
    e.BrowserWindow.instances[0]!.hide();
    failure!.emit('click');
    expect(e.BrowserWindow.instances[0]!.visible).toBe(true);
    // The same failure again is not announced twice.
    await e.ipcMain.invokeFrom({ url: e.BrowserWindow.instances[0]!.url }, 'agent:update-now', {});
    await until(() => !handle!.service.isRunning);
    expect(e.Notification.instances.filter((n) => n.options.title.includes('更新失败'))).toHaveLength(1);
  });

  it('single instance: a second start quits at once; the first focuses on a plain second start and updates then starts the HIS on `launch nurse`', async () => {
    const second = await start({ lockAvailable: false });
    expect(second.handle).toBeNull();
    expect(second.electron.app.quitted).toBe(true);
    expect(second.electron.Tray.instances).toHaveLength(0);
    await scenario!.cleanup();

    const marker = path.join(os.tmpdir(), `his-launched-${process.pid}-${Date.now()}`);
    const { handle, electron: e, scenario: s } = await start({ scenario: { mode: 'mirror', files: 12, totalBytes: 96 * 1024, app: { hisProcess: { name: 'nurse-his.sh', whenRunning: 'wait' } } } });
    await fsp.writeFile(path.join(s.installDir, 'nurse-his.sh'), `#!/bin/sh\necho started > "${marker}"\n`, { mode: 0o755 });
    const nurse = e.BrowserWindow.instances[0]!;
    e.app.secondInstance(['HisUpdateAgent.exe']);
    expect(nurse.visible && nurse.focused).toBe(true);
    expect(handle!.service.isRunning).toBe(false);

    nurse.hide();
    e.app.secondInstance(['HisUpdateAgent.exe', '--original-process-start-time=1', 'launch', 'nurse']);
    await until(() => fs.existsSync(marker));
    expect(await installState(s)).toBe('new');
    const [record] = await handle!.service.handle('agent:get-history', { limit: 1 });
    expect(record).toMatchObject({ trigger: 'launch', outcome: 'updated' });
    expect(nurse.visible).toBe(true);
    await fsp.rm(marker, { force: true });
  });

  it('auto-start follows config schedule.autoStart (packaged Windows build), and a logon start quits when IT turned it off', async () => {
    const on = await start({ platform: 'win32', isPackaged: true });
    expect(on.electron.app.loginItem).toEqual({ openAtLogin: true, enabled: true, path: 'C:\\Program Files\\HisUpdateAgent\\HisUpdateAgent.exe', args: ['--autostart'], name: 'HisUpdateAgent' });
    expect(on.electron.calls.find((c) => c.api === 'app.setAppUserModelId')?.args).toEqual(['cn.hospital.his-update-agent']);
    expect(path.basename(on.electron.Tray.instances[0]!.image.file)).toBe('tray-idle.ico');
    on.electron.app.quit();
    await scenario!.cleanup();

    const off = await start({ platform: 'win32', isPackaged: true, argv: ['HisUpdateAgent.exe', '--autostart'], config: (c) => (c.schedule.autoStart = false) });
    expect(off.electron.app.loginItem).toMatchObject({ openAtLogin: false, enabled: false, args: ['--autostart'] });
    expect(off.handle).toBeNull();
    expect(off.electron.app.quitted).toBe(true);
  });

  it('shutdown guard: logoff during a download cancels it and refuses new runs; quit during an apply waits for the apply', async () => {
    let hisRunning = true;
    const a = await start({ scenario: { mode: 'mirror', files: 12, totalBytes: 96 * 1024, app: { hisProcess: { name: 'nurse.exe', whenRunning: 'ask' } } }, hisRunning: () => hisRunning });
    const nurse = a.electron.BrowserWindow.instances[0]!;
    await a.electron.ipcMain.invokeFrom({ url: nurse.url }, 'agent:update-now', {});
    await until(() => a.electron.Notification.instances.some((n) => n.options.title.startsWith('请关闭')));
    const query = nurse.querySessionEnd(['logoff']);
    expect(query.defaultPrevented).toBe(false); // nothing is being applied: Windows may log off
    await until(() => !a.handle!.service.isRunning);
    expect(await installState(a.scenario)).toBe('old');
    const refused = (await a.electron.ipcMain.invokeFrom({ url: nurse.url }, 'agent:update-now', {})) as IpcEnvelope<void>;
    expect(refused).toMatchObject({ ok: false, error: { code: 'SHUTTING_DOWN' } });
    expect(refused.ok === false && refused.error.zh).toContain('关机');
    a.handle!.actions.checkNow();
    expect(a.handle!.service.isRunning).toBe(false);
    a.electron.app.quit();
    await scenario!.cleanup();
    hisRunning = false;

    const slowUpdater = `await new Promise((r) => setTimeout(r, 1500));\n${DEMO_UPDATER_SOURCE}`;
    const b = await start({ scenario: { mode: 'run-updater', files: 12, totalBytes: 96 * 1024, updaterSource: slowUpdater } });
    const win = b.electron.BrowserWindow.instances[0]!;
    await b.electron.ipcMain.invokeFrom({ url: win.url }, 'agent:update-now', {});
    await until(() => b.handle!.guard.applying);
    const duringApply = win.querySessionEnd(['shutdown']);
    expect(duringApply.defaultPrevented).toBe(true); // Windows waits for the apply step
    b.electron.app.quit();
    expect(b.electron.app.quitted).toBe(false);
    await until(() => b.electron.app.quitted);
    expect(b.handle!.service.isRunning).toBe(false);
    expect(await installState(b.scenario)).toBe('new');
  });
});
