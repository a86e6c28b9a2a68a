// Electron main entry (dist/main/electron-main.js). Everything else takes the electron module as a
// parameter, so tests run it with a stand-in.
import * as electron from 'electron';
import { runShell } from './shell';

// Before ready: every renderer sandboxed; no GPU process for a tray app on old ward PCs.
electron.app.enableSandbox();
electron.app.disableHardwareAcceleration();

runShell(electron, {
  argv: process.argv,
  env: process.env,
  platform: process.platform,
  appPath: electron.app.getAppPath(),
  resourcesPath: process.resourcesPath,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
}).catch((error: unknown) => {
  console.error('HisUpdateAgent failed to start:', error);
  electron.app.exit(1);
});
