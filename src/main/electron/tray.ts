import path from 'node:path';
import type { NativeImage, Notification as NotificationType, Tray as TrayType } from 'electron';
import type { Logger } from '../core/logger';
import type { ElectronMain } from './electron-api';
import type { NotificationSpec } from './notification-policy';
import { buildTrayMenu, type LaunchableApp, type TrayActions, type TrayIconState, type TrayModel } from './tray-model';

export interface TrayControllerOptions {
  electron: Pick<ElectronMain, 'Tray' | 'Menu' | 'nativeImage' | 'Notification'>;
  /** Folder with tray-<state>.ico / tray-<state>-16.png / -32.png and app.ico / app-256.png. */
  iconDir: string;
  platform: NodeJS.Platform;
  logger: Logger;
  onNotificationClick(spec: NotificationSpec): void;
  onClick(): void;
}

/** Icon file for a state: the .ico (16 + 32 px) on Windows, the 32 px PNG elsewhere. */
export function trayIconFile(iconDir: string, state: TrayIconState, platform: NodeJS.Platform): string {
  return path.join(iconDir, platform === 'win32' ? `tray-${state}.ico` : `tray-${state}-32.png`);
}

/** The tray icon, its tooltip and menu, and the notifications. Thin: TrayModel decides what to show. */
export class TrayController {
  private tray: TrayType | null = null;
  private readonly images = new Map<TrayIconState, NativeImage>();
  /** Windows drops click handlers of notifications that were garbage-collected: keep them until closed. */
  private readonly live = new Set<NotificationType>();
  private shown: { state: TrayIconState; tooltip: string } | null = null;

  constructor(private readonly options: TrayControllerOptions) {}

  create(model: TrayModel, apps: LaunchableApp[], actions: TrayActions): void {
    const { Tray, Menu } = this.options.electron;
    this.tray = new Tray(this.image(model.iconState));
    this.shown = { state: model.iconState, tooltip: '' };
    this.tray.setContextMenu(Menu.buildFromTemplate(buildTrayMenu(apps, actions)));
    this.tray.on('click', () => this.options.onClick());
    this.render(model);
  }

  render(model: TrayModel): void {
    if (!this.tray || this.tray.isDestroyed()) return;
    const state = model.iconState;
    const tooltip = model.tooltip;
    if (this.shown?.state !== state) this.tray.setImage(this.image(state));
    if (this.shown?.tooltip !== tooltip) this.tray.setToolTip(tooltip);
    this.shown = { state, tooltip };
  }

  notify(spec: NotificationSpec): void {
    const { Notification } = this.options.electron;
    this.options.logger.info('notification', { kind: spec.kind, app: spec.appId, title: spec.title });
    if (Notification.isSupported()) {
      const notification = new Notification({ title: spec.title, body: spec.body, silent: spec.kind === 'success', icon: path.join(this.options.iconDir, 'app-256.png') });
      this.live.add(notification);
      notification.on('click', () => this.options.onNotificationClick(spec));
      notification.on('close', () => this.live.delete(notification));
      notification.show();
      return;
    }
    if (this.options.platform === 'win32' && this.tray && !this.tray.isDestroyed()) {
      this.tray.displayBalloon({ title: spec.title, content: spec.body, iconType: spec.kind === 'failure' ? 'error' : spec.kind === 'close-his' ? 'warning' : 'info' });
    }
  }

  destroy(): void {
    if (this.tray && !this.tray.isDestroyed()) this.tray.destroy();
    this.tray = null;
  }

  private image(state: TrayIconState): NativeImage {
    let image = this.images.get(state);
    if (!image) {
      const file = trayIconFile(this.options.iconDir, state, this.options.platform);
      image = this.options.electron.nativeImage.createFromPath(file);
      if (image.isEmpty()) this.options.logger.warn('tray icon missing', { file });
      this.images.set(state, image);
    }
    return image;
  }
}
