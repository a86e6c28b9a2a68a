import path from 'node:path';
import type { BrowserWindow as BrowserWindowType, BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import type { Logger } from '../core/logger';
import type { ElectronMain } from './electron-api';
import { isAllowedRendererRequest, RENDERER_CSP, secureWebPreferences } from './web-security';

/** Navigation away from our page and new windows are refused for every web contents we own. */
export function hardenContents(contents: WebContents, logger: Logger): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    logger.warn('navigation blocked', { url });
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    logger.warn('new window blocked', { url });
    return { action: 'deny' };
  });
}

/** Permissions denied, requests outside the renderer folder cancelled, the CSP sent as a header. */
export function hardenSession(session: Session, options: { rendererDir: string; platform: NodeJS.Platform; logger: Logger }): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRendererRequest(details.url, options.rendererDir, options.platform);
    if (!allowed) options.logger.warn('request outside the renderer blocked', { url: details.url.slice(0, 200) });
    callback({ cancel: !allowed });
  });
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
  });
}

export interface WindowManagerOptions {
  BrowserWindow: ElectronMain['BrowserWindow'];
  rendererIndex: string;
  preload: string;
  icon: string | undefined;
  devTools: boolean;
  logger: Logger;
}

/**
 * The nurse progress window (small, created hidden at start and only hidden on close, so Windows'
 * logoff messages always have a window to reach) and the IT status window (on demand). Both load the
 * one renderer page from disk; the view is chosen by ?view=.
 */
export class WindowManager {
  private nurse: BrowserWindowType | null = null;
  private status: BrowserWindowType | null = null;
  private quitting = false;

  constructor(private readonly options: WindowManagerOptions) {}

  /** The hidden nurse window; created once. */
  ensureNurse(): BrowserWindowType {
    if (this.nurse && !this.nurse.isDestroyed()) return this.nurse;
    // Content size, so the longest error (SHARE_SMB1_ONLY) fits with its buttons without scrolling.
    const win = this.create({ width: 460, height: 420, useContentSize: true, resizable: false, maximizable: false, fullscreenable: false, title: 'HIS 更新助手' }, { view: 'nurse' });
    win.on('close', (event) => {
      if (this.quitting) return;
      event.preventDefault();
      win.hide();
    });
    this.nurse = win;
    return win;
  }

  /** focus false: shown without taking the keyboard from the HIS (a download has started). */
  showNurse(focus = true): void {
    const win = this.ensureNurse();
    if (focus) {
      win.show();
      win.focus();
    } else if (!win.isVisible()) {
      win.showInactive();
    }
  }

  showStatus(tab?: string): void {
    if (this.status && !this.status.isDestroyed()) {
      if (tab) this.load(this.status, { view: 'status', tab });
      this.status.show();
      this.status.focus();
      return;
    }
    const win = this.create({ width: 1100, height: 760, minWidth: 800, minHeight: 560, title: 'HIS 更新助手 · 状态 (IT)' }, tab ? { view: 'status', tab } : { view: 'status' });
    win.on('closed', () => {
      if (this.status === win) this.status = null;
    });
    win.once('ready-to-show', () => win.show());
    this.status = win;
  }

  /** Pushes a UI event to every open window. */
  send(channel: string, payload: unknown): void {
    for (const win of [this.nurse, this.status]) {
      if (win && !win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(channel, payload);
    }
  }

  /** From before-quit on: closing the nurse window really closes it. */
  allowClose(): void {
    this.quitting = true;
  }

  private create(options: BrowserWindowConstructorOptions, query: Record<string, string>): BrowserWindowType {
    const win = new this.options.BrowserWindow({
      ...options,
      show: false,
      autoHideMenuBar: true,
      backgroundColor: '#ffffff',
      ...(this.options.icon ? { icon: this.options.icon } : {}),
      webPreferences: { ...secureWebPreferences(this.options.preload), devTools: this.options.devTools },
    });
    win.setMenu(null);
    hardenContents(win.webContents, this.options.logger);
    win.webContents.on('did-fail-load', (_event, code, description, url) => this.options.logger.error('window failed to load', { code, description, url }));
    win.webContents.on('render-process-gone', (_event, details) => this.options.logger.error('window renderer gone', { reason: details.reason }));
    this.load(win, query);
    return win;
  }

  private load(win: BrowserWindowType, query: Record<string, string>): void {
    win.loadFile(this.options.rendererIndex, { query }).catch((error: unknown) => this.options.logger.error('could not load the renderer page', { file: this.options.rendererIndex, error: String(error) }));
  }

  get rendererDir(): string {
    return path.dirname(this.options.rendererIndex);
  }
}
