import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/main/core/config/schema';
import type { CommandRunner } from '../../src/main/core/platform/command-runner';
import { readPeFileVersion } from '../../src/main/core/version/pe-version';
import { parseRegQueryOutput } from '../../src/main/core/version/registry';
import { extractVersion, readLocalVersion } from '../../src/main/core/version/local-version';
import { buildPeWithVersion } from '../helpers/pe-builder';

const FIXTURES = path.resolve(__dirname, '../fixtures/reg');
let dir: string;
beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'lv-'));
});
afterAll(() => fsp.rm(dir, { recursive: true, force: true }));

const app = (localVersion: AppConfig['localVersion']): AppConfig =>
  ({ id: 'nurse', displayName: '护士工作站', installDir: dir, localVersion, versionSource: { type: 'manifest' }, share: {} as AppConfig['share'], apply: { mode: 'mirror', deleteRemoved: true } }) as AppConfig;

/** Replays what reg.exe printed on real machines (English and Chinese Windows). */
function recordedReg(stdoutFile: string | null, stderrFile: string | null, code: number): CommandRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async run(command, args) {
      calls.push([command, ...args]);
      return {
        code,
        stdout: stdoutFile ? fs.readFileSync(path.join(FIXTURES, stdoutFile)) : Buffer.alloc(0),
        stderr: stderrFile ? fs.readFileSync(path.join(FIXTURES, stderrFile)) : Buffer.alloc(0),
      };
    },
  };
}
const noCommands: CommandRunner = { run: () => Promise.reject(new Error('no commands expected')) };

describe('local version from a file', () => {
  it.each([
    ['plain', Buffer.from('5.2.0.123\r\n'), undefined, '5.2.0.123'],
    ['utf8 BOM', Buffer.from('\uFEFFV2.3.1'), undefined, 'V2.3.1'],
    ['utf16 BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('20200302', 'utf16le')]), undefined, '20200302'],
    ['ini with pattern', Buffer.from('[Update]\r\nVersion=5.2.0.124\r\nServer=his-fs\r\n'), '^Version=(.+)$', '5.2.0.124'],
    ['text around it', Buffer.from('HIS 护士站 版本 5.2.0.125 (build 7)'), undefined, '5.2.0.125'],
  ])('%s', async (_name, bytes, pattern, expected) => {
    await fsp.writeFile(path.join(dir, 'version.txt'), bytes);
    expect(await readLocalVersion(app({ type: 'file', path: 'version.txt', encoding: 'utf8', ...(pattern ? { pattern } : {}) }), { commands: noCommands })).toBe(expected);
  });

  it('gbk text', async () => {
    await fsp.writeFile(path.join(dir, 'ver-gbk.txt'), Buffer.from([0xb0, 0xe6, 0xb1, 0xbe, 0x3a, 0x35, 0x2e, 0x32, 0x2e, 0x31])); // "版本:5.2.1" in GBK
    expect(await readLocalVersion(app({ type: 'file', path: 'ver-gbk.txt', encoding: 'gbk' }), { commands: noCommands })).toBe('5.2.1');
  });

  it('a missing file means "not installed" (null); garbage is LOCAL_VERSION_UNREADABLE', async () => {
    expect(await readLocalVersion(app({ type: 'file', path: 'absent.txt', encoding: 'utf8' }), { commands: noCommands })).toBeNull();
    await fsp.writeFile(path.join(dir, 'junk.txt'), 'no version here');
    await expect(readLocalVersion(app({ type: 'file', path: 'junk.txt', encoding: 'utf8' }), { commands: noCommands })).rejects.toMatchObject({ code: 'LOCAL_VERSION_UNREADABLE' });
  });

  it('extracts the first version-like token', () => {
    expect(extractVersion('v5.2.0.123', undefined)).toBe('v5.2.0.123');
    expect(extractVersion('build 20200302 ok', undefined)).toBe('20200302');
  });
});

describe('local version from the registry (recorded reg.exe output)', () => {
  it('reads a REG_SZ value and calls reg.exe with the key and value', async () => {
    const reg = recordedReg('version-sz.en.txt', null, 0);
    const spec = { type: 'registry' as const, key: 'HKLM\\SOFTWARE\\WOW6432Node\\WinningSoft\\HIS', value: 'Version' };
    expect(await readLocalVersion(app(spec), { commands: reg })).toBe('5.2.0.123');
    expect(reg.calls[0]).toEqual(['reg.exe', 'query', spec.key, '/v', 'Version']);
  });

  it('reads the (默认) value from GBK output of Chinese Windows', async () => {
    const reg = recordedReg('default-value.zh-gbk.txt', null, 0);
    expect(await readLocalVersion(app({ type: 'registry', key: 'HKLM\\SOFTWARE\\东华\\护士站', value: '(Default)' }), { commands: reg })).toBe('V2.3.1');
    expect(reg.calls[0]).toContain('/ve');
  });

  it('turns a REG_DWORD into its number', async () => {
    expect(parseRegQueryOutput(fs.readFileSync(path.join(FIXTURES, 'build-dword.txt'), 'utf8'))).toEqual([{ name: 'Build Number', type: 'REG_DWORD', data: '0x1343c26' }]);
    expect(await readLocalVersion(app({ type: 'registry', key: 'HKLM\\SOFTWARE\\Vendor\\Nurse Station', value: 'Build Number' }), { commands: recordedReg('build-dword.txt', null, 0) })).toBe('20200486');
  });

  it.each(['missing.en.txt', 'missing.zh-gbk.txt'])('a missing key (%s) means not installed', async (file) => {
    expect(await readLocalVersion(app({ type: 'registry', key: 'HKLM\\SOFTWARE\\Nope', value: 'Version' }), { commands: recordedReg(null, file, 1) })).toBeNull();
  });
});

describe('local version from the PE file version', () => {
  it('reads VS_FIXEDFILEINFO of a PE built in the test', async () => {
    await fsp.writeFile(path.join(dir, 'nurse.exe'), buildPeWithVersion([5, 2, 0, 123]));
    expect(await readLocalVersion(app({ type: 'pe', path: 'nurse.exe' }), { commands: noCommands })).toBe('5.2.0.123');
    expect(readPeFileVersion(buildPeWithVersion([65535, 1, 20200, 302]))).toBe('65535.1.20200.302');
  });

  it('rejects non-PE and truncated files as LOCAL_VERSION_UNREADABLE', async () => {
    await fsp.writeFile(path.join(dir, 'fake.exe'), 'MZ but nothing else, really nothing at all, more than sixty four bytes long.......');
    await expect(readLocalVersion(app({ type: 'pe', path: 'fake.exe' }), { commands: noCommands })).rejects.toMatchObject({ code: 'LOCAL_VERSION_UNREADABLE' });
    await fsp.writeFile(path.join(dir, 'cut.exe'), buildPeWithVersion([1, 2, 3, 4]).subarray(0, 0x210));
    await expect(readLocalVersion(app({ type: 'pe', path: 'cut.exe' }), { commands: noCommands })).rejects.toMatchObject({ code: 'LOCAL_VERSION_UNREADABLE' });
  });

  const mingw = spawnSync('x86_64-w64-mingw32-gcc', ['--version']).status === 0;
  it.skipIf(!mingw)('reads the version of a real exe compiled by mingw-w64 with a windres resource', async () => {
    const rc = path.join(dir, 'v.rc');
    await fsp.writeFile(rc, '1 VERSIONINFO\nFILEVERSION 5,2,0,124\nPRODUCTVERSION 5,2,0,0\nBEGIN\nBLOCK "StringFileInfo"\nBEGIN\nBLOCK "080404b0"\nBEGIN\nVALUE "FileVersion", "5.2.0.124"\nEND\nEND\nEND\n');
    await fsp.writeFile(path.join(dir, 'm.c'), 'int main(void){return 0;}\n');
    expect(spawnSync('x86_64-w64-mingw32-windres', [rc, '-O', 'coff', '-o', path.join(dir, 'v.o')]).status).toBe(0);
    const out = path.join(dir, 'real.exe');
    expect(spawnSync('x86_64-w64-mingw32-gcc', ['-s', '-o', out, path.join(dir, 'm.c'), path.join(dir, 'v.o')]).status).toBe(0);
    expect(readPeFileVersion(await fsp.readFile(out))).toBe('5.2.0.124');
  });
});
