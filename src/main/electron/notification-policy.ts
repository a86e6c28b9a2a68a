import type { UiEvent } from '../../shared/ipc-contract';

export interface NotificationSpec {
  kind: 'success' | 'failure' | 'close-his';
  appId: string;
  title: string;
  /** zh-CN first: for failures this is the error's zh message (cause + next step). */
  body: string;
}

/**
 * Decides which service events deserve a Windows notification: an update that finished, a failure
 * (once per app and error code until the next success, so a share that stays down for a day does not
 * pop up every hour), and the request to close the HIS (once per wait). A cancel is the user's own
 * doing and is not announced.
 */
export class NotificationPolicy {
  private readonly lastFailure = new Map<string, string>();
  private readonly askedToClose = new Set<string>();

  constructor(private readonly displayName: (appId: string) => string) {}

  onEvent(event: UiEvent): NotificationSpec | null {
    switch (event.type) {
      case 'state': {
        if (event.state !== 'waiting-for-his') this.askedToClose.delete(event.appId);
        if (event.state === 'up-to-date' || event.state === 'done') this.lastFailure.delete(event.appId);
        if (event.state !== 'done') return null;
        const name = this.displayName(event.appId);
        return {
          kind: 'success',
          appId: event.appId,
          title: `${name} 已更新 / updated`,
          body: event.to ? `已更新到 ${event.to}，可以继续使用。\nUpdated to ${event.to}.` : '更新完成，可以继续使用。\nUpdate complete.',
        };
      }
      case 'error': {
        if (event.error.code === 'CANCELLED') return null;
        if (this.lastFailure.get(event.appId) === event.error.code) return null;
        this.lastFailure.set(event.appId, event.error.code);
        const name = this.displayName(event.appId);
        const postponed = event.error.code === 'HIS_RUNNING';
        return {
          kind: 'failure',
          appId: event.appId,
          title: postponed ? `${name} 更新已推迟 / update postponed` : `${name} 更新失败 / update failed`,
          body: event.error.zh,
        };
      }
      case 'his-running': {
        if (this.askedToClose.has(event.appId)) return null;
        this.askedToClose.add(event.appId);
        const name = this.displayName(event.appId);
        return {
          kind: 'close-his',
          appId: event.appId,
          title: `请关闭 ${name} / Please close the HIS`,
          body: `新版本已准备好。请保存工作并关闭 ${event.exe}，更新会自动继续。\nSave your work and close ${event.exe}; the update then continues by itself.`,
        };
      }
      default:
        return null;
    }
  }
}
