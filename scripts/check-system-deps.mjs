// pretest: the Debian packages the test suites use. Missing ones are installed with apt-get when we
// are root on Debian; otherwise the exact command is printed and the tests stop before they start.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const fontInstalled = () => spawnSync('sh', ['-c', 'fc-list 2>/dev/null | grep -qi "wqy\\|WenQuanYi"'], { stdio: 'ignore' }).status === 0 || existsSync('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc');

/** What each package gives the tests. */
const requirements = [
  { pkg: 'samba', ok: () => has('smbd') && has('smbpasswd'), why: 'real SMB server for share transport tests' },
  { pkg: 'smbclient', ok: () => has('smbclient'), why: 'speed reference in benchmarks' },
  { pkg: 'smbnetfs', ok: () => has('smbnetfs'), why: 'FUSE SMB mount: the native (UNC) transport over a real SMB client' },
  { pkg: 'freetds-bin', ok: () => has('tsql'), why: 'second, independent TDS client for the test SQL server' },
  { pkg: 'chromium', ok: () => existsSync('/usr/bin/chromium'), why: 'renderer end-to-end tests and screenshots' },
  { pkg: 'fonts-wqy-microhei', ok: fontInstalled, why: 'CJK font so Chinese renders in Chromium' },
  { pkg: 'gcc-mingw-w64-x86-64', ok: () => has('x86_64-w64-mingw32-gcc') && has('x86_64-w64-mingw32-windres'), why: 'real PE files (version reader, packaging stand-in electron.exe)' },
  { pkg: 'util-linux', ok: () => has('setpriv'), why: 'run cases as an unprivileged user' },
];

const missing = requirements.filter((r) => !r.ok());
if (missing.length === 0) {
  console.log('system packages: all present');
  process.exit(0);
}
const packages = missing.map((r) => r.pkg);
const isDebian = existsSync('/etc/debian_version') || /debian/i.test(existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '');
const isRoot = process.getuid?.() === 0;
const command = `apt-get update && apt-get install -y ${packages.join(' ')}`;
for (const r of missing) console.log(`missing: ${r.pkg} (${r.why})`);
if (!isDebian || !isRoot || process.env.HIS_TEST_NO_APT === '1') {
  console.error(`\nThe tests need these Debian packages. Install them with:\n\n  sudo sh -c '${command}'\n`);
  process.exit(1);
}
console.log(`installing: ${command}`);
const result = spawnSync('sh', ['-c', command], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
if (result.status !== 0) {
  console.error('apt-get failed; install the packages above by hand.');
  process.exit(1);
}
const still = requirements.filter((r) => !r.ok());
if (still.length > 0) {
  console.error(`still missing after apt-get: ${still.map((r) => r.pkg).join(', ')}`);
  process.exit(1);
}
