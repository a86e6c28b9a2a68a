import type { MenuItemConstructorOptions } from 'electron';
import type { AgentSnapshot, RunState } from '../../shared/api-types';
import type { UiEvent } from '../../shared/ipc-contract';

/** The five tray pictures (assets/tray-<state>.ico); each has its own glyph, not only its own colour. */
export type TrayIconState = 'idle' | 'checking' | 'updating' | 'up-to-date' | 'error';
export const TRAY_ICON_STATES: readonly TrayIconState[] = ['idle', 'checking', 'updating', 'up-to-date', 'error'];

export const PRODUCT_NAME_ZH = 'HIS 更新助手';

const STATE_ZH: Record<RunState, string> = {
  idle: '空闲',
  checking: '正在检查',
  'up-to-date': '已是最新',
  'update-available': '有新版本',
  downloading: '正在下载',
  'waiting-for-his': '等待关闭 HIS',
  applying: '正在安装',
  done: '已更新',
  failed: '更新失败',
  deferred: '已推迟',
};

export function iconStateOf(state: RunState): TrayIconState {
  switch (state) {
    case 'checking':
      return 'checking';
    case 'downloading':
    case 'waiting-for-his':
    case 'applying':
      return 'updating';
    case 'up-to-date':
    case 'done':
      return 'up-to-date';
    case 'failed':
      return 'error';
    default:
      return 'idle';
  }
}

/** One picture for all apps: a run in progress wins, then a failure, then "all up to date". */
export function combineIconStates(states: TrayIconState[]): TrayIconState {
  for (const wanted of ['updating', 'checking', 'error'] as const) if (states.includes(wanted)) return wanted;
  if (states.length > 0 && states.every((s) => s === 'up-to-date')) return 'up-to-date';
  return 'idle';
}

interface AppLine {
  displayName: string;
  installed: string | null;
  state: RunState;
}

/** Windows cuts tray tooltips at 127 characters. */
const TOOLTIP_MAX = 127;

/**
 * What the tray shows, folded from the service's UI events: the icon state and a tooltip with each
 * app's name, installed version and state. Plain data so tests follow it without Electron.
 */
export class TrayModel {
  private readonly apps = new Map<string, AppLine>();

  applySnapshot(snapshot: AgentSnapshot): void {
    this.apps.clear();
    for (const app of snapshot.apps) this.apps.set(app.id, { displayName: app.displayName, installed: app.installedVersion, state: app.state });
  }

  /** Returns true when the icon or tooltip may have changed. */
  apply(event: UiEvent): boolean {
    if (event.type === 'snapshot') {
      this.applySnapshot(event.snapshot);
      return true;
    }
    if (event.type !== 'state') return false;
    const line = this.apps.get(event.appId) ?? { displayName: event.appId, installed: null, state: 'idle' as RunState };
    line.state = event.state;
    if (event.state === 'done' && event.to) line.installed = event.to;
    else if ((event.state === 'up-to-date' || event.state === 'update-available') && event.from) line.installed = event.from;
    this.apps.set(event.appId, line);
    return true;
  }

  get iconState(): TrayIconState {
    return combineIconStates([...this.apps.values()].map((a) => iconStateOf(a.state)));
  }

  get tooltip(): string {
    const lines = [PRODUCT_NAME_ZH, ...[...this.apps.values()].map((a) => `${a.displayName} ${a.installed ?? '?'} · ${STATE_ZH[a.state]}`)];
    const text = lines.join('\n');
    return text.length <= TOOLTIP_MAX ? text : `${text.slice(0, TOOLTIP_MAX - 1)}…`;
  }
}

export interface TrayActions {
  checkNow(): void;
  showProgress(): void;
  openStatus(): void;
  openDiagnosis(): void;
  launchHis(appId: string): void;
  quit(): void;
}

export interface LaunchableApp {
  id: string;
  displayName: string;
  /** hisProcess is configured, so the agent knows which exe to start. */
  launchable: boolean;
}

/** The tray menu (zh-CN first, English second). 启动 HIS becomes a submenu when several apps can start. */
export function buildTrayMenu(apps: LaunchableApp[], actions: TrayActions): MenuItemConstructorOptions[] {
  const launchable = apps.filter((a) => a.launchable);
  const launchItem: MenuItemConstructorOptions =
    launchable.length <= 1
      ? { id: 'launch-his', label: '启动 HIS / Start HIS', enabled: launchable.length === 1, click: () => launchable[0] && actions.launchHis(launchable[0].id) }
      : {
          id: 'launch-his',
          label: '启动 HIS / Start HIS',
          submenu: launchable.map((a) => ({ id: `launch-his:${a.id}`, label: a.displayName, click: () => actions.launchHis(a.id) })),
        };
  return [
    { id: 'check-now', label: '检查更新 / Check now', click: () => actions.checkNow() },
    { id: 'show-progress', label: '显示进度 / Show progress', click: () => actions.showProgress() },
    { type: 'separator' },
    { id: 'status-window', label: '状态窗口 (IT) / Status (IT)', click: () => actions.openStatus() },
    { id: 'diagnose', label: '诊断 / Diagnose', click: () => actions.openDiagnosis() },
    { type: 'separator' },
    launchItem,
    { type: 'separator' },
    { id: 'quit', label: '退出 / Quit', click: () => actions.quit() },
  ];
}
