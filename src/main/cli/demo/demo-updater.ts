/**
 * The demo's stand-in for the vendor's auto_update.exe: a small Node script that copies its own
 * folder (the local release copy it is started from) into the install folder given as argument.
 * Like the real one it fails when started without a writable install folder.
 */
export const DEMO_UPDATER_NAME = 'auto_update.mjs';

export const DEMO_UPDATER_SOURCE = `// Demo vendor updater: copies the release (its own folder) into the install folder.
import fs from 'node:fs';
import path from 'node:path';
const installDir = process.argv[2];
if (!installDir) { console.error('usage: auto_update.mjs INSTALL_DIR'); process.exit(2); }
const releaseDir = process.cwd();
const self = path.basename(new URL(import.meta.url).pathname);
let copied = 0;
function walk(rel) {
  for (const entry of fs.readdirSync(path.join(releaseDir, rel), { withFileTypes: true })) {
    const child = path.join(rel, entry.name);
    if (entry.isDirectory()) { walk(child); continue; }
    if (child === self) continue;
    fs.mkdirSync(path.join(installDir, rel), { recursive: true });
    fs.copyFileSync(path.join(releaseDir, child), path.join(installDir, child));
    copied++;
  }
}
walk('');
console.log('auto_update: copied ' + copied + ' files to ' + installDir);
`;
