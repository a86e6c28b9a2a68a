/**
 * A stand-in for the `electron` module: the Electron binary cannot be downloaded here, and the shell
 * must still be driven end to end. Same names and call shapes as Electron 45's main-process API (the
 * parts the shell uses), recording every call; helpers click menu items, send IPC from a chosen frame
 * URL and raise Windows' session events. installElectronStandIn() puts it into require.cache, so
 * `require('electron')` inside electron-log/main (and any bundle) gets it too.
 */
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

type Listener = (...args: any[]) => unknown;

/** An Electron event: preventDefault() recorded. */
export class StandInEvent {
  defaultPrevented = false;
  constructor(extra: Record<string, unknown> = {}) {
    Object.assign(this, extra);
  }
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export interface MenuItemLike {
  id?: string;
  label?: string;
  type?: string;
  enabled?: boolean;
  click?: (...args: unknown[]) => void;
  submenu?: MenuItemLike[];
}

export class StandInWebContents extends EventEmitter {
  readonly sent: Array<{ channel: string; payload: unknown }> = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  destroyed = false;
  readonly mainFrame: { url: string; parent: null };
  constructor() {
    super();
    this.mainFrame = { url: '', parent: null };
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** What Chromium does when the page tries to navigate: a preventable will-navigate. */
  tryNavigate(url: string): boolean {
    const event = new StandInEvent();
    this.emit('will-navigate', event, url);
    return !event.defaultPrevented;
  }
}

export function createElectronStandIn(options: { lockAvailable?: boolean; isPackaged?: boolean; notificationsSupported?: boolean; userData?: string } = {}) {
  const calls: Array<{ api: string; args: unknown[] }> = [];
  const record = (api: string, ...args: unknown[]) => calls.push({ api, args });

  // ---- app -------------------------------------------------------------------------------------
  class StandInApp extends EventEmitter {
    isPackaged = options.isPackaged ?? false;
    name = 'his-update-agent';
    quitRequested = 0;
    quitted = false;
    exitCode: number | null = null;
    loginItem: Record<string, unknown> | null = null;
    getVersion = () => '0.1.0-test';
    getName = () => this.name;
    getAppPath = () => process.cwd();
    getPath = (name: string) => (name === 'exe' ? 'C:\\Program Files\\HisUpdateAgent\\HisUpdateAgent.exe' : path.join(options.userData ?? '/tmp/his-standin-userdata', name));
    setAppUserModelId = (id: string) => record('app.setAppUserModelId', id);
    requestSingleInstanceLock = () => {
      record('app.requestSingleInstanceLock');
      return options.lockAvailable ?? true;
    };
    whenReady = async () => undefined;
    isReady = () => true;
    enableSandbox = () => record('app.enableSandbox');
    disableHardwareAcceleration = () => record('app.disableHardwareAcceleration');
    setLoginItemSettings = (settings: Record<string, unknown>) => {
      record('app.setLoginItemSettings', settings);
      this.loginItem = settings;
    };
    getLoginItemSettings = () => ({ openAtLogin: Boolean(this.loginItem?.openAtLogin) });
    /** Like Electron: before-quit can be prevented; otherwise the app is gone. */
    quit = () => {
      record('app.quit');
      this.quitRequested++;
      const event = new StandInEvent();
      this.emit('before-quit', event);
      if (!event.defaultPrevented) this.quitted = true;
    };
    exit = (code = 0) => {
      record('app.exit', code);
      this.exitCode = code;
      this.quitted = true;
    };
    /** What the first instance sees when the agent is started again. */
    secondInstance(argv: string[]): void {
      this.emit('second-instance', new StandInEvent(), argv, 'C:\\', {});
    }
  }
  const app = new StandInApp();

  // ---- windows ---------------------------------------------------------------------------------
  class BrowserWindow extends EventEmitter {
    static instances: BrowserWindow[] = [];
    static getAllWindows = () => BrowserWindow.instances.filter((w) => !w.destroyed);
    readonly webContents = new StandInWebContents();
    visible = false;
    focused = false;
    destroyed = false;
    loaded: { file: string; query: Record<string, string> } | null = null;
    constructor(readonly options: Record<string, any>) {
      super();
      BrowserWindow.instances.push(this);
      record('new BrowserWindow', options);
      app.emit('web-contents-created', new StandInEvent(), this.webContents);
    }
    get url(): string {
      if (!this.loaded) return '';
      const url = pathToFileURL(this.loaded.file);
      for (const [k, v] of Object.entries(this.loaded.query)) url.searchParams.set(k, v);
      return url.href;
    }
    loadFile = async (file: string, opts: { query?: Record<string, string> } = {}) => {
      this.loaded = { file, query: opts.query ?? {} };
      this.webContents.mainFrame.url = this.url;
      setImmediate(() => this.emit('ready-to-show'));
    };
    show = () => {
      this.visible = true;
      this.focused = true;
    };
    showInactive = () => {
      this.visible = true;
    };
    hide = () => {
      this.visible = false;
      this.focused = false;
    };
    focus = () => {
      this.focused = true;
    };
    isVisible = () => this.visible;
    isDestroyed = () => this.destroyed;
    setMenu = (_menu: unknown) => undefined;
    close = () => {
      const event = new StandInEvent();
      this.emit('close', event);
      if (event.defaultPrevented) return;
      this.destroyed = true;
      this.webContents.destroyed = true;
      this.emit('closed');
    };
    /** Windows' WM_QUERYENDSESSION / WM_ENDSESSION, as Electron raises them on every window. */
    querySessionEnd(reasons: string[]): StandInEvent {
      const event = new StandInEvent({ reasons });
      this.emit('query-session-end', event);
      return event;
    }
    sessionEnd(reasons: string[]): void {
      this.emit('session-end', new StandInEvent({ reasons }));
    }
  }

  // ---- tray, menu, images, notifications -------------------------------------------------------
  class NativeImage {
    constructor(readonly file: string) {}
    isEmpty = () => !fs.existsSync(this.file);
  }
  const nativeImage = { createFromPath: (file: string) => new NativeImage(file) };

  class Tray extends EventEmitter {
    static instances: Tray[] = [];
    image: NativeImage;
    readonly images: string[] = [];
    tooltip = '';
    readonly tooltips: string[] = [];
    menu: { items: MenuItemLike[] } | null = null;
    readonly balloons: unknown[] = [];
    destroyed = false;
    constructor(image: NativeImage) {
      super();
      this.image = image;
      this.images.push(image.file);
      Tray.instances.push(this);
    }
    setImage = (image: NativeImage) => {
      this.image = image;
      this.images.push(image.file);
    };
    setToolTip = (text: string) => {
      this.tooltip = text;
      this.tooltips.push(text);
    };
    setContextMenu = (menu: { items: MenuItemLike[] }) => {
      this.menu = menu;
    };
    displayBalloon = (options: unknown) => this.balloons.push(options);
    destroy = () => {
      this.destroyed = true;
    };
    isDestroyed = () => this.destroyed;
    /** Finds a menu item by id (submenus included) and clicks it. */
    clickMenu(id: string): void {
      const find = (items: MenuItemLike[]): MenuItemLike | undefined => {
        for (const item of items) {
          if (item.id === id) return item;
          const inner = item.submenu ? find(item.submenu) : undefined;
          if (inner) return inner;
        }
        return undefined;
      };
      const item = find(this.menu?.items ?? []);
      if (!item?.click) throw new Error(`no clickable menu item ${id}`);
      if (item.enabled === false) throw new Error(`menu item ${id} is disabled`);
      item.click({}, undefined, {});
    }
  }
  const Menu = { buildFromTemplate: (items: MenuItemLike[]) => ({ items }) };

  class Notification extends EventEmitter {
    static instances: Notification[] = [];
    static isSupported = () => options.notificationsSupported ?? true;
    shown = false;
    constructor(readonly options: { title: string; body: string; silent?: boolean; icon?: string }) {
      super();
      Notification.instances.push(this);
    }
    show = () => {
      this.shown = true;
    };
  }

  // ---- IPC -------------------------------------------------------------------------------------
  class IpcMain extends EventEmitter {
    readonly handlers = new Map<string, Listener>();
    handle = (channel: string, handler: Listener) => {
      if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      this.handlers.set(channel, handler);
    };
    removeHandler = (channel: string) => this.handlers.delete(channel);
    handleOnce = this.handle;
    /** ipcRenderer.invoke as seen by main: an IpcMainInvokeEvent whose senderFrame has this URL. */
    async invokeFrom(frame: { url: string; parent?: unknown } | null, channel: string, ...args: unknown[]): Promise<unknown> {
      const handler = this.handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      const senderFrame = frame ? { url: frame.url, parent: frame.parent ?? null } : null;
      return handler({ senderFrame, sender: { id: 1 }, processId: 1, frameId: 1 }, ...args);
    }
  }
  const ipcMain = new IpcMain();

  class IpcRenderer extends EventEmitter {
    /** Which page the preload runs in: main receives this as the sender frame's URL. */
    frameUrl = '';
    invoke = (channel: string, ...args: unknown[]) => ipcMain.invokeFrom({ url: this.frameUrl, parent: null }, channel, ...args);
  }
  const ipcRenderer = new IpcRenderer();

  const contextBridge = {
    exposed: new Map<string, unknown>(),
    exposeInMainWorld(key: string, api: unknown) {
      record('contextBridge.exposeInMainWorld', key);
      contextBridge.exposed.set(key, api);
    },
  };

  // ---- session, power, clipboard, safeStorage ----------------------------------------------------
  const defaultSession = {
    permissionRequestHandler: null as Listener | null,
    permissionCheckHandler: null as Listener | null,
    beforeRequest: null as Listener | null,
    headersReceived: null as Listener | null,
    setPermissionRequestHandler(handler: Listener) {
      this.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: Listener) {
      this.permissionCheckHandler = handler;
    },
    webRequest: {
      onBeforeRequest: (handler: Listener) => {
        defaultSession.beforeRequest = handler;
      },
      onHeadersReceived: (handler: Listener) => {
        defaultSession.headersReceived = handler;
      },
    },
    /** Runs a request through the session's filters: whether it was cancelled and the headers sent. */
    request(url: string): { cancelled: boolean; headers: Record<string, string[]> | null } {
      let cancelled = false;
      defaultSession.beforeRequest?.({ url }, (r: { cancel?: boolean }) => (cancelled = Boolean(r.cancel)));
      let headers: Record<string, string[]> | null = null;
      if (!cancelled) defaultSession.headersReceived?.({ url, responseHeaders: {} }, (r: { responseHeaders?: Record<string, string[]> }) => (headers = r.responseHeaders ?? null));
      return { cancelled, headers };
    },
  };
  const session = { defaultSession };

  const powerMonitor = new EventEmitter();
  const clipboard = { text: '', writeText: (text: string) => void (clipboard.text = text) };

  /** DPAPI stand-in: AES-256-GCM with a key only this "profile" has; tampering or another key fails. */
  const profileKey = crypto.randomBytes(32);
  const safeStorage = {
    available: true,
    isEncryptionAvailable: () => safeStorage.available,
    encryptString(plain: string): Buffer {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', profileKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from('v10'), iv, cipher.getAuthTag(), body]);
    },
    decryptString(blob: Buffer): string {
      if (blob.subarray(0, 3).toString() !== 'v10') throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      const decipher = crypto.createDecipheriv('aes-256-gcm', profileKey, blob.subarray(3, 15));
      decipher.setAuthTag(blob.subarray(15, 31));
      return Buffer.concat([decipher.update(blob.subarray(31)), decipher.final()]).toString('utf8');
    },
  };

  const webContents = { getAllWebContents: () => BrowserWindow.instances.map((w) => w.webContents) };
  const shell = { openExternal: async (url: string) => record('shell.openExternal', url) };

  return {
    calls,
    app,
    BrowserWindow,
    Tray,
    Menu,
    nativeImage,
    Notification,
    ipcMain,
    /** What a preload's require('electron') returns (renderer side); kept apart like in Electron. */
    renderer: { contextBridge, ipcRenderer },
    session,
    powerMonitor,
    clipboard,
    safeStorage,
    webContents,
    shell,
  };
}

export type ElectronStandIn = ReturnType<typeof createElectronStandIn>;

/**
 * Makes `require('electron')` return the stand-in (for electron-log/main and for bundles loaded with
 * require). Returns a function that removes it again.
 */
export function installElectronStandIn(standIn: ElectronStandIn): () => void {
  const require = createRequire(import.meta.url);
  const id = require.resolve('electron');
  const previous = require.cache[id];
  require.cache[id] = { id, filename: id, loaded: true, exports: standIn, children: [], paths: [] } as unknown as NodeJS.Module;
  return () => {
    if (previous) require.cache[id] = previous;
    else delete require.cache[id];
  };
}
