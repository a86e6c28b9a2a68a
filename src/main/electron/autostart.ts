import type { App } from 'electron';
import type { Logger } from '../core/logger';
import { AUTOSTART_FLAG } from './shell-args';

/** Registry value name under HKCU\Software\Microsoft\Windows\CurrentVersion\Run. */
export const LOGIN_ITEM_NAME = 'HisUpdateAgent';

/**
 * Makes Windows start the tray at logon, or stops it, following config `schedule.autoStart` (IT turns
 * it off there). Per Windows account: Electron writes the HKCU Run value. Skipped in development, where
 * the executable is electron.exe and not the agent.
 */
export function applyAutoStart(
  app: Pick<App, 'setLoginItemSettings' | 'isPackaged'>,
  enabled: boolean,
  options: { exePath: string; platform: NodeJS.Platform; logger: Logger },
): boolean {
  if (!app.isPackaged || (options.platform !== 'win32' && options.platform !== 'darwin')) {
    options.logger.debug('auto-start not changed (development build or unsupported platform)', { enabled });
    return false;
  }
  app.setLoginItemSettings({ openAtLogin: enabled, enabled, path: options.exePath, args: [AUTOSTART_FLAG], name: LOGIN_ITEM_NAME });
  options.logger.info(enabled ? 'auto-start at Windows logon on' : 'auto-start at Windows logon off (config schedule.autoStart)');
  return true;
}
