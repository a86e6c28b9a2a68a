// npm run bench: every benchmark in one go, each printing its own table with ratios against a reference
// measured in the same run (cp -r, smbclient, the fleet arithmetic). Run with the machine otherwise idle.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);
const suites = [
  { name: 'engine', command: [process.execPath, 'dist/bench/engine-bench.js'] },
  { name: 'smb2', command: [process.execPath, 'bench/smb2.mjs'] },
  { name: 'smb1', command: [process.execPath, 'bench/smb1.mjs'] },
  { name: 'native-smbnetfs', command: [process.execPath, 'dist/bench/native-bench.js'] },
  { name: 'fleet', command: [process.execPath, 'dist/bench/fleet-sim.js'] },
];
let failed = 0;
for (const suite of suites) {
  if (only.length > 0 && !only.includes(suite.name)) continue;
  if (!existsSync(path.join(root, suite.command[1]))) {
    console.log(`\n## ${suite.name}: not built (${suite.command[1]} missing)`);
    continue;
  }
  console.log(`\n## ${suite.name}`);
  const result = spawnSync(suite.command[0], suite.command.slice(1), { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
