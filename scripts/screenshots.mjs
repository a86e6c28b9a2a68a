// Regenerates docs/screenshots/*.png: the real-engine e2e tours in Debian Chromium (every nurse state,
// every IT tab, the database and SMB1 failures) with HIS_SCREENSHOTS_DIR pointing there.
// Usage: node scripts/screenshots.mjs   (needs /usr/bin/chromium, Samba, fonts-wqy-microhei)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'docs', 'screenshots');
const result = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/e2e/real-engine-tour.test.ts', 'test/e2e/nurse-failures.test.ts'],
  { cwd: root, stdio: 'inherit', env: { ...process.env, HIS_SCREENSHOTS_DIR: dir } },
);
if (result.status === 0) console.log(`screenshots written to ${dir}`);
process.exit(result.status ?? 1);
