import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';

const root = path.resolve(__dirname, '../../..');

/** Builds the renderer exactly as `npm run build` does (vite.config.mts), into a temp folder of the test's own. */
export async function buildRenderer(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'his-renderer-'));
  await build({ configFile: path.join(root, 'vite.config.mts'), build: { outDir: dir, emptyOutDir: true }, logLevel: 'warn' });
  return { dir, cleanup: () => fsp.rm(dir, { recursive: true, force: true }) };
}
