import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/main/core/logger';
import type { ElectronMain } from '../../src/main/electron/electron-api';
import { NotificationPolicy } from '../../src/main/electron/notification-policy';
import { TrayController, trayIconFile } from '../../src/main/electron/tray';
import { buildTrayMenu, TrayModel, type TrayActions } from '../../src/main/electron/tray-model';
import type { AgentSnapshot, AppView, RunState } from '../../src/shared/api-types';
import type { UiEvent } from '../../src/shared/ipc-contract';
import { createElectronStandIn, type MenuItemLike } from '../helpers/electron-stand-in';

function app(id: string, displayName: string, installedVersion: string | null, state: RunState = 'idle'): AppView {
  return {
    id,
    displayName,
    installDir: 'D:\\his',
    sharePath: '\\\\fs\\update',
    transport: 'native',
    applyMode: 'mirror',
    versionSource: 'manifest',
    installedVersion,
    targetVersion: null,
    targetSource: null,
    shareVersion: null,
    state,
    progress: null,
    lastCheckAt: null,
    lastResult: null,
    lastError: null,
    nextCheckAt: null,
    hisWaiting: null,
    currentRun: null,
  };
}

function snapshot(apps: AppView[]): AgentSnapshot {
  return { agentVersion: '0.1.0', machine: 'PC', user: 'nurse', configFile: 'c', logFile: 'l', busy: false, apps, configError: null };
}

const state = (appId: string, s: RunState, from: string | null = null, to: string | null = null): UiEvent => ({ type: 'state', appId, state: s, from, to });

describe('TrayModel: icon and tooltip follow the state events', () => {
  it('maps every run state to one of the five icons, tooltip "app version · state"', () => {
    const model = new TrayModel();
    model.applySnapshot(snapshot([app('nurse', '护士工作站', '1.0.0')]));
    const seen: Array<[string, string]> = [];
    const steps: UiEvent[] = [
      state('nurse', 'checking'),
      state('nurse', 'downloading', '1.0.0', '2.0.0'),
      state('nurse', 'waiting-for-his', '1.0.0', '2.0.0'),
      state('nurse', 'applying', '1.0.0', '2.0.0'),
      state('nurse', 'done', '1.0.0', '2.0.0'),
      state('nurse', 'failed'),
      state('nurse', 'deferred'),
      state('nurse', 'up-to-date', '2.0.0', '2.0.0'),
      state('nurse', 'update-available', '2.0.0', '2.1.0'),
    ];
    for (const event of steps) {
      expect(model.apply(event)).toBe(true);
      seen.push([model.iconState, model.tooltip.split('\n')[1]!]);
    }
    expect(seen).toEqual([
      ['checking', '护士工作站 1.0.0 · 正在检查'],
      ['updating', '护士工作站 1.0.0 · 正在下载'],
      ['updating', '护士工作站 1.0.0 · 等待关闭 HIS'],
      ['updating', '护士工作站 1.0.0 · 正在安装'],
      ['up-to-date', '护士工作站 2.0.0 · 已更新'],
      ['error', '护士工作站 2.0.0 · 更新失败'],
      ['idle', '护士工作站 2.0.0 · 已推迟'],
      ['up-to-date', '护士工作站 2.0.0 · 已是最新'],
      ['idle', '护士工作站 2.0.0 · 有新版本'],
    ]);
    expect(model.apply({ type: 'log', line: { at: 'x', level: 'info', text: 'y' } })).toBe(false);
  });

  it('several apps: a run in progress wins over an error, an error over up to date; tooltip stays within 127 characters', () => {
    const model = new TrayModel();
    model.applySnapshot(snapshot([app('nurse', '护士工作站', '1.0.0', 'up-to-date'), app('doctor', '医生工作站', '3.2.1', 'up-to-date')]));
    expect(model.iconState).toBe('up-to-date');
    model.apply(state('doctor', 'failed'));
    expect(model.iconState).toBe('error');
    model.apply(state('nurse', 'checking'));
    expect(model.iconState).toBe('checking');
    model.apply(state('nurse', 'applying'));
    expect(model.iconState).toBe('updating');

    const many = new TrayModel();
    many.applySnapshot(snapshot(Array.from({ length: 12 }, (_, i) => app(`app${i}`, `很长的应用名称第${i}号工作站`, '10.20.30.40'))));
    expect(many.tooltip.length).toBeLessThanOrEqual(127);
    expect(many.tooltip.startsWith('HIS 更新助手\n')).toBe(true);
  });

  it('TrayController changes the picture only when the state changes, and uses .ico files on Windows', () => {
    const e = createElectronStandIn();
    const model = new TrayModel();
    model.applySnapshot(snapshot([app('nurse', '护士工作站', '1.0.0')]));
    const controller = new TrayController({ electron: e as unknown as ElectronMain, iconDir: 'C:\\agent\\assets', platform: 'win32', logger: silentLogger, onNotificationClick: () => undefined, onClick: () => undefined });
    controller.create(model, [{ id: 'nurse', displayName: '护士工作站', launchable: true }], {} as TrayActions);
    const tray = e.Tray.instances[0]!;
    model.apply(state('nurse', 'downloading'));
    controller.render(model);
    model.apply(state('nurse', 'applying'));
    controller.render(model);
    expect(tray.images.map((f) => path.basename(f))).toEqual(['tray-idle.ico', 'tray-updating.ico']);
    expect(tray.tooltips).toHaveLength(3);
    expect(trayIconFile('/a', 'error', 'linux')).toBe(path.join('/a', 'tray-error-32.png'));

    // Without toast support (no Start menu shortcut yet) Windows gets a tray balloon instead.
    const old = createElectronStandIn({ notificationsSupported: false });
    const fallback = new TrayController({ electron: old as unknown as ElectronMain, iconDir: '/a', platform: 'win32', logger: silentLogger, onNotificationClick: () => undefined, onClick: () => undefined });
    fallback.create(model, [], {} as TrayActions);
    fallback.notify({ kind: 'failure', appId: 'nurse', title: 't', body: '共享目录无法访问' });
    expect(old.Tray.instances[0]!.balloons).toEqual([{ title: 't', content: '共享目录无法访问', iconType: 'error' }]);
  });
});

describe('tray menu', () => {
  function recorder() {
    const calls: string[] = [];
    const actions: TrayActions = {
      checkNow: () => calls.push('check'),
      showProgress: () => calls.push('progress'),
      openStatus: () => calls.push('status'),
      openDiagnosis: () => calls.push('diagnosis'),
      launchHis: (id) => calls.push(`launch:${id}`),
      quit: () => calls.push('quit'),
    };
    return { calls, actions };
  }
  const click = (items: MenuItemLike[], id: string) => {
    const all = items.flatMap((i) => [i, ...(i.submenu ?? [])]);
    all.find((i) => i.id === id)!.click!();
  };

  it('each item calls its action', () => {
    const { calls, actions } = recorder();
    const items = buildTrayMenu([{ id: 'nurse', displayName: '护士工作站', launchable: true }], actions) as MenuItemLike[];
    for (const id of ['check-now', 'show-progress', 'status-window', 'diagnose', 'launch-his', 'quit']) click(items, id);
    expect(calls).toEqual(['check', 'progress', 'status', 'diagnosis', 'launch:nurse', 'quit']);
  });

  it('启动 HIS: a submenu for several launchable apps, disabled when none has hisProcess', () => {
    const { calls, actions } = recorder();
    const two = buildTrayMenu(
      [
        { id: 'nurse', displayName: '护士工作站', launchable: true },
        { id: 'lab', displayName: '检验', launchable: false },
        { id: 'doctor', displayName: '医生工作站', launchable: true },
      ],
      actions,
    ) as MenuItemLike[];
    const launch = two.find((i) => i.id === 'launch-his')!;
    expect(launch.submenu!.map((i) => i.label)).toEqual(['护士工作站', '医生工作站']);
    click(two, 'launch-his:doctor');
    expect(calls).toEqual(['launch:doctor']);
    const none = buildTrayMenu([{ id: 'lab', displayName: '检验', launchable: false }], actions) as MenuItemLike[];
    expect(none.find((i) => i.id === 'launch-his')!.enabled).toBe(false);
  });
});

describe('NotificationPolicy', () => {
  const policy = () => new NotificationPolicy((id) => (id === 'nurse' ? '护士工作站' : id));
  const error = (code: string, zh: string): UiEvent => ({ type: 'error', appId: 'nurse', error: { code, step: 'share', zh, en: 'en', detail: 'd' } });

  it('success, failure with the zh message, and the close-the-HIS request', () => {
    const p = policy();
    expect(p.onEvent(state('nurse', 'done', '1.0.0', '2.0.0'))).toMatchObject({ kind: 'success', title: '护士工作站 已更新 / updated' });
    const zh = '无法连接共享目录 \\\\his-fs\\update。请检查网络后重试。';
    expect(p.onEvent(error('SHARE_UNREACHABLE', zh))).toEqual({ kind: 'failure', appId: 'nurse', title: '护士工作站 更新失败 / update failed', body: zh });
    expect(p.onEvent({ type: 'his-running', appId: 'nurse', exe: 'nurse.exe' })).toMatchObject({ kind: 'close-his', title: '请关闭 护士工作站 / Please close the HIS' });
    expect(p.onEvent(error('HIS_RUNNING', 'HIS 仍在运行'))).toMatchObject({ title: '护士工作站 更新已推迟 / update postponed', body: 'HIS 仍在运行' });
  });

  it('does not repeat: the same failure once until a success, the close request once per wait, never for a cancel', () => {
    const p = policy();
    expect(p.onEvent(error('SHARE_UNREACHABLE', 'a'))).not.toBeNull();
    expect(p.onEvent(error('SHARE_UNREACHABLE', 'a'))).toBeNull();
    expect(p.onEvent(error('HASH_MISMATCH', 'b'))).not.toBeNull();
    p.onEvent(state('nurse', 'up-to-date'));
    expect(p.onEvent(error('HASH_MISMATCH', 'b'))).not.toBeNull();
    expect(p.onEvent(error('CANCELLED', 'c'))).toBeNull();

    expect(p.onEvent({ type: 'his-running', appId: 'nurse', exe: 'n.exe' })).not.toBeNull();
    expect(p.onEvent({ type: 'his-running', appId: 'nurse', exe: 'n.exe' })).toBeNull();
    p.onEvent(state('nurse', 'applying'));
    expect(p.onEvent({ type: 'his-running', appId: 'nurse', exe: 'n.exe' })).not.toBeNull();
  });
});
