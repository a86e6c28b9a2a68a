import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** Integration tests run the real CLI as a child process: build it once (esbuild, well under a second). */
export default function setup(): void {
  const root = path.resolve(__dirname, '..');
  const result = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--no-renderer'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build failed: ${result.stderr}${result.stdout}`);
}
