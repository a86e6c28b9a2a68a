import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { extractFile, listPackage } from '@electron/asar';
import Ajv from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { readPeFileVersion } from '../../src/main/core/version/pe-version';

const root = path.resolve(__dirname, '../..');
const require = createRequire(import.meta.url);
// js-yaml comes with electron-builder (it reads electron-builder.yml with it too).
const yaml = require('js-yaml') as { load(text: string): unknown };
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };

function loadBuilderConfig(): Record<string, any> {
  return yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>;
}

describe('electron-builder.yml', () => {
  it('is valid against app-builder-lib/scheme.json (and the validator does reject a bad one)', () => {
    const schema = require('app-builder-lib/scheme.json');
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const config = loadBuilderConfig();
    expect(validate(config), JSON.stringify(validate.errors, null, 1)).toBe(true);
    expect(validate({ ...config, nsis: { ...config.nsis, perMachine: 'yes' } })).toBe(false);
    expect(validate({ ...config, win: { ...config.win, iconn: 'x.ico' } })).toBe(false);
  });

  it('describes a per-machine NSIS installer with our icons, the default config as a resource and the ACL include', () => {
    const config = loadBuilderConfig();
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: false, include: 'build/installer.nsh' });
    expect(config.win.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    for (const icon of [config.win.icon, config.nsis.installerIcon, config.nsis.uninstallerIcon]) expect(fs.existsSync(path.join(root, icon))).toBe(true);
    expect(config.extraResources).toContainEqual({ from: 'examples/config.seed-case.json', to: 'config.default.json' });
    const nsh = fs.readFileSync(path.join(root, 'build/installer.nsh'), 'utf8');
    // By SID, so it works on Chinese Windows (用户 = Users).
    expect(nsh).toMatch(/icacls "\$1" \/inheritance:r \/grant:r \*S-1-5-18:\(OI\)\(CI\)F \*S-1-5-32-544:\(OI\)\(CI\)F \*S-1-5-32-545:\(OI\)\(CI\)RX/);
    for (const dir of ['state', 'staging', 'logs']) expect(nsh).toContain(`icacls "$1\\${dir}" /grant:r *S-1-5-32-545:(OI)(CI)M`);
    expect(nsh).toMatch(/IfFileExists "\$1\\config\.json" \+2 0\s+CopyFiles \/SILENT "\$INSTDIR\\resources\\config\.default\.json"/);
  });
});

// ---- `electron-builder --win dir` with a stand-in electron.exe --------------------------------------

const mingw = ['x86_64-w64-mingw32-gcc', 'x86_64-w64-mingw32-windres'].every((tool) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'his-pack-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A real, stripped PE32+ GUI program with Electron's version resource: what electron-builder copies and edits. */
function buildStandInElectron(dir: string): void {
  fs.mkdirSync(path.join(dir, 'locales'), { recursive: true });
  const src = path.join(tmp, 'stand-in');
  fs.mkdirSync(src, { recursive: true });
  fs.writeFileSync(path.join(src, 'main.c'), '#include <windows.h>\nint WINAPI WinMain(HINSTANCE a, HINSTANCE b, LPSTR c, int d) { return 0; }\n');
  fs.writeFileSync(
    path.join(src, 'version.rc'),
    [
      '1 VERSIONINFO',
      'FILEVERSION 45,5,0,0',
      'PRODUCTVERSION 45,5,0,0',
      'FILEOS 0x40004',
      'FILETYPE 0x1',
      'BEGIN',
      '  BLOCK "StringFileInfo"',
      '  BEGIN',
      '    BLOCK "040904b0"',
      '    BEGIN',
      '      VALUE "CompanyName", "GitHub, Inc."',
      '      VALUE "FileDescription", "Electron (test stand-in)"',
      '      VALUE "FileVersion", "45.5.0"',
      '      VALUE "ProductName", "Electron"',
      '      VALUE "ProductVersion", "45.5.0"',
      '      VALUE "OriginalFilename", "electron.exe"',
      '    END',
      '  END',
      '  BLOCK "VarFileInfo"',
      '  BEGIN',
      '    VALUE "Translation", 0x409, 1200',
      '  END',
      'END',
      '',
    ].join('\n'),
  );
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { cwd: src, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  };
  run('x86_64-w64-mingw32-windres', ['version.rc', '-O', 'coff', '-o', 'version.o']);
  run('x86_64-w64-mingw32-gcc', ['-mwindows', '-Os', '-s', '-o', path.join(dir, 'electron.exe'), 'main.c', 'version.o']);
  for (const locale of ['en-US', 'zh-CN', 'de', 'ja']) fs.writeFileSync(path.join(dir, 'locales', `${locale}.pak`), `pak ${locale}`);
  fs.writeFileSync(path.join(dir, 'LICENSE'), 'stand-in');
}

/** The project as electron-builder sees it, in a temp folder: our config and build outputs, plus decoys it must not pack. */
function stageProject(stage: string): void {
  for (const [from, to] of [
    ['package.json', 'package.json'],
    ['package-lock.json', 'package-lock.json'],
    ['electron-builder.yml', 'electron-builder.yml'],
    ['build/installer.nsh', 'build/installer.nsh'],
    ['examples/config.seed-case.json', 'examples/config.seed-case.json'],
    ['assets', 'assets'],
    ['dist/main', 'dist/main'],
    ['dist/preload', 'dist/preload'],
    // decoys: sources and tests sit next to dist in the real repo
    ['src/main/electron', 'src/main/electron'],
    ['test/unit/electron-shell.test.ts', 'test/unit/electron-shell.test.ts'],
  ]) {
    fs.cpSync(path.join(root, from!), path.join(stage, to!), { recursive: true });
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
  // The renderer is built fresh (Vite, ~1 s) so the test does not depend on a full `npm run build`.
  const vite = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', path.join(stage, 'dist/renderer'), '--emptyOutDir', '--logLevel', 'error'], { cwd: root, encoding: 'utf8' });
  if (vite.status !== 0) throw new Error(`renderer build failed: ${vite.stderr}${vite.stdout}`);
}

describe.skipIf(!mingw)('electron-builder --win dir (offline, stand-in electron.exe built with mingw-w64)', () => {
  let seconds = 0;
  let unpacked = '';

  it('packs win-unpacked without network access', { timeout: 180_000 }, () => {
    for (const file of ['dist/main/electron-main.js', 'dist/preload/preload.js']) {
      expect(fs.existsSync(path.join(root, file)), `${file} missing: test/global-setup.ts builds it`).toBe(true);
    }
    const stage = path.join(tmp, 'project');
    const electronDist = path.join(tmp, 'electron-dist');
    const out = path.join(tmp, 'out');
    buildStandInElectron(electronDist);
    stageProject(stage);

    const builderArgs = [path.join(root, 'node_modules/electron-builder/cli.js'), '--win', 'dir', '--x64', '--projectDir', stage, '--config', 'electron-builder.yml', `-c.electronDist=${electronDist}`, `-c.directories.output=${out}`];
    // A fresh network namespace has no route anywhere: any download attempt would fail the build.
    const isolated = spawnSync('unshare', ['-rn', 'true']).status === 0;
    const [command, args] = isolated ? ['unshare', ['-rn', process.execPath, ...builderArgs]] : [process.execPath, builderArgs];
    const started = Date.now();
    const run = spawnSync(command, args as string[], {
      cwd: stage,
      encoding: 'utf8',
      env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false', ELECTRON_BUILDER_CACHE: path.join(tmp, 'empty-cache'), FORCE_COLOR: '0' },
      timeout: 170_000,
    });
    seconds = (Date.now() - started) / 1000;
    console.log(`electron-builder --win dir took ${seconds.toFixed(1)} s (${isolated ? 'isolated from the network with unshare -rn' : 'unshare unavailable: network not isolated'})`);
    expect(run.status, `${run.stdout}\n${run.stderr}`.slice(-4000)).toBe(0);
    unpacked = path.join(out, 'win-unpacked');
    expect(fs.existsSync(path.join(unpacked, 'HisUpdateAgent.exe'))).toBe(true);
    // Typically 33 s alone, ~41 s next to other suites on 2 cores; the bound only catches a hang or a download.
    expect(seconds).toBeLessThan(150);
  });

  it('the exe carries our version and icon; resources hold the default config and the tray icons; unused locales are gone', () => {
    expect(unpacked, 'packing failed').not.toBe('');
    const exe = fs.readFileSync(path.join(unpacked, 'HisUpdateAgent.exe'));
    expect(readPeFileVersion(exe)).toBe(`${pkg.version}.0`);
    const ico = fs.readFileSync(path.join(root, 'assets/app.ico'));
    const big = ico.subarray(6 + 5 * 16, 6 + 6 * 16); // 6th directory entry: the 256 px PNG
    const png = ico.subarray(big.readUInt32LE(12), big.readUInt32LE(12) + big.readUInt32LE(8));
    expect(exe.indexOf(png)).toBeGreaterThan(0);

    const resources = path.join(unpacked, 'resources');
    expect(fs.readFileSync(path.join(resources, 'config.default.json'), 'utf8')).toBe(fs.readFileSync(path.join(root, 'examples/config.seed-case.json'), 'utf8'));
    for (const state of ['idle', 'checking', 'updating', 'up-to-date', 'error']) expect(fs.existsSync(path.join(resources, 'assets', `tray-${state}.ico`))).toBe(true);
    expect(fs.readdirSync(path.join(unpacked, 'locales')).sort()).toEqual(['en-US.pak', 'zh-CN.pak']);
  });

  it('app.asar holds the compiled main, preload and renderer, production dependencies only, no sources, tests or source maps', () => {
    expect(unpacked, 'packing failed').not.toBe('');
    const asar = path.join(unpacked, 'resources', 'app.asar');
    const entries = listPackage(asar, { isPack: false }).map((e) => e.replace(/\\/g, '/'));
    for (const file of ['/package.json', '/dist/main/electron-main.js', '/dist/preload/preload.js', '/dist/renderer/index.html']) expect(entries).toContain(file);
    expect(entries.some((e) => /^\/dist\/renderer\/assets\/.+\.js$/.test(e))).toBe(true);
    expect(extractFile(asar, 'dist/preload/preload.js').equals(fs.readFileSync(path.join(root, 'dist/preload/preload.js')))).toBe(true);

    const ours = entries.filter((e) => !e.startsWith('/node_modules/'));
    expect(ours.filter((e) => /^\/(src|test|bench|scripts|examples|assets|build)(\/|$)/.test(e))).toEqual([]);
    expect(entries.filter((e) => e.endsWith('.map'))).toEqual([]);
    expect(entries.filter((e) => /\.(ts|tsx|mts|cts)$/.test(e) && !e.endsWith('.d.ts'))).toEqual([]);
    expect(entries.filter((e) => /\/(test|tests|__tests__)\//.test(e))).toEqual([]);

    const packages = new Set(entries.map((e) => /^\/node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(e)?.[1]).filter((p): p is string => !!p));
    for (const dep of Object.keys(pkg.dependencies)) expect(packages, dep).toContain(dep);
    for (const dev of ['electron', 'electron-builder', 'vitest', 'typescript', 'vite', 'react', 'esbuild', 'playwright-core']) expect(packages.has(dev), dev).toBe(false);

    // Every package the bundled main requires at run time is inside the asar.
    const main = extractFile(asar, 'dist/main/electron-main.js').toString('utf8');
    const required = new Set([...main.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!));
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'electron']);
    for (const id of required) {
      if (builtins.has(id)) continue;
      const name = id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : id.split('/')[0]!;
      expect(packages, `main requires ${id}`).toContain(name);
    }
  });
});

if (!mingw) {
  describe('electron-builder --win dir', () => {
    it.skip('SKIPPED: x86_64-w64-mingw32-gcc / windres not installed (Debian: apt-get install gcc-mingw-w64-x86-64); the stand-in electron.exe cannot be built', () => undefined);
  });
}
