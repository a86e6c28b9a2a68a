/**
 * The parts of the `electron` module the shell uses. main.ts passes the real module; tests pass the
 * stand-in (test/helpers/electron-stand-in.ts), so every file under src/main/electron except main.ts and
 * preload.ts runs without the Electron binary.
 */
export type ElectronMain = Pick<
  typeof import('electron'),
  'app' | 'BrowserWindow' | 'Tray' | 'Menu' | 'nativeImage' | 'Notification' | 'ipcMain' | 'powerMonitor' | 'safeStorage' | 'session' | 'clipboard'
>;

/** electron-builder's appId: Windows groups notifications by it (AppUserModelID). */
export const APP_USER_MODEL_ID = 'cn.hospital.his-update-agent';
