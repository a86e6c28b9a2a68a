// Builds every runnable piece with esbuild (and the renderer with Vite when present).
// npm packages stay external for Node targets: electron-builder ships them from node_modules.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const define = { __AGENT_VERSION__: JSON.stringify(pkg.version) };

const nodeTargets = [
  { entry: 'src/main/cli/his-update.ts', out: 'dist/cli/his-update.js' },
  { entry: 'src/main/electron/main.ts', out: 'dist/main/electron-main.js', electron: true },
  { entry: 'bench/engine-bench.ts', out: 'dist/bench/engine-bench.js' },
  { entry: 'bench/native-bench.ts', out: 'dist/bench/native-bench.js' },
  { entry: 'bench/fleet-sim.ts', out: 'dist/bench/fleet-sim.js' },
];

const started = Date.now();
await Promise.all(
  nodeTargets
    .filter((t) => existsSync(path.join(root, t.entry)))
    .map((t) =>
      build({
        entryPoints: [path.join(root, t.entry)],
        outfile: path.join(root, t.out),
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: t.electron ? 'node22' : 'node20',
        packages: 'external',
        sourcemap: 'linked',
        define,
        logLevel: 'warning',
      }),
    ),
);

// Sandboxed preloads cannot require relative modules: bundle everything into one file.
const preload = 'src/main/electron/preload.ts';
if (existsSync(path.join(root, preload))) {
  await build({
    entryPoints: [path.join(root, preload)],
    outfile: path.join(root, 'dist/preload/preload.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['electron'],
    define,
    logLevel: 'warning',
  });
}

if (existsSync(path.join(root, 'src/renderer/index.html')) && !process.argv.includes('--no-renderer')) {
  const vite = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (vite.status !== 0) process.exit(vite.status ?? 1);
}
console.log(`build done in ${Date.now() - started} ms`);
