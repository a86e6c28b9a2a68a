import { describe, expect, it } from 'vitest';
import { AgentError } from '../../src/main/core/errors/agent-error';
import { parseManifest } from '../../src/main/core/sync/manifest';
import { pathSetProblem, releasePathProblem } from '../../src/main/core/sync/release-path';

const sha = 'a'.repeat(64);
const manifestWith = (files: unknown, extra: Record<string, unknown> = {}) =>
  Buffer.from(JSON.stringify({ format: 1, app: 'nurse', version: '5.2.0.124', files, ...extra }));
const fileEntry = (path: unknown) => ({ path, size: 1, sha256: sha });

function rejection(bytes: Buffer): AgentError {
  try {
    parseManifest(bytes, 'test');
  } catch (error) {
    expect(error).toBeInstanceOf(AgentError);
    return error as AgentError;
  }
  throw new Error('manifest was accepted');
}

describe('release paths', () => {
  it.each([
    '../evil.dll',
    'bin/../../evil.dll',
    'bin/./x.dll',
    '/etc/passwd',
    '\\windows\\system32\\x.dll',
    'C:/Windows/x.dll',
    'c:evil.dll',
    'bin\\x.dll',
    'file.txt:stream',
    'CON',
    'con.txt',
    'NUL',
    'nul.tar.gz',
    'COM1',
    'com1.log',
    'LPT1',
    'lpt1.dll',
    'bin/AUX.ini',
    'bin/PRN',
    'COM¹.txt',
    'trailing-dot.',
    'trailing-space ',
    'bin//x.dll',
    '',
    'a<b',
    'q?.txt',
    'tab\there',
    'x'.repeat(241),
    'his-release.json',
    '.his-update-apply/new/x',
  ])('rejects %j', (p) => {
    expect(releasePathProblem(p)).not.toBeNull();
  });

  it.each(['nurse.exe', 'bin/plugins/中文报表.frx', 'reports/月报 2020.frx', 'CONFIG.ini', 'console.dll', 'com10.dll', 'lpt.txt', 'a/b/c/d/e.dat'])('accepts %j', (p) => {
    expect(releasePathProblem(p)).toBeNull();
  });

  it('finds case-insensitive duplicates and files used as folders', () => {
    expect(pathSetProblem(['bin/A.dll', 'bin/a.DLL'])?.reason).toMatch(/twice/);
    expect(pathSetProblem(['bin/x', 'bin/x/y.dll'])?.reason).toMatch(/which is a file/);
    expect(pathSetProblem(['bin/x.dll', 'bin/y.dll'])).toBeNull();
  });
});

describe('manifest validation', () => {
  it('accepts a well-formed manifest', () => {
    const m = parseManifest(manifestWith([fileEntry('nurse.exe'), fileEntry('bin/a.dll')], { updater: { path: 'nurse.exe' } }), 'test');
    expect(m.files).toHaveLength(2);
    expect(m.updater).toEqual({ path: 'nurse.exe', args: [], successExitCodes: [0] });
  });

  it.each([
    ['dot-dot path', 'files[0].path', manifestWith([fileEntry('../x.dll')])],
    ['absolute path', 'files[0].path', manifestWith([fileEntry('/x.dll')])],
    ['drive path', 'files[0].path', manifestWith([fileEntry('D:/his/x.dll')])],
    ['stream name', 'files[0].path', manifestWith([fileEntry('x.dll:evil')])],
    ['device name', 'files[0].path', manifestWith([fileEntry('bin/NUL.dll')])],
    ['duplicate by case', 'files[1].path', manifestWith([fileEntry('a.dll'), fileEntry('A.DLL')])],
    ['numeric path', 'files[0].path', manifestWith([fileEntry(42)])],
    ['negative size', 'files[0].size', manifestWith([{ path: 'a', size: -1, sha256: sha }])],
    ['string size', 'files[0].size', manifestWith([{ path: 'a', size: '1', sha256: sha }])],
    ['bad sha', 'files[0].sha256', manifestWith([{ path: 'a', size: 1, sha256: 'zz' }])],
    ['uppercase sha', 'files[0].sha256', manifestWith([{ path: 'a', size: 1, sha256: 'A'.repeat(64) }])],
    ['unknown key', 'files[0]', manifestWith([{ path: 'a', size: 1, sha256: sha, exec: true }])],
    ['files not an array', 'files', manifestWith({})],
    ['bad version', 'version', manifestWith([], { version: '../../1' })],
    ['wrong format', 'format', manifestWith([], { format: 2 })],
    ['updater outside files', 'updater.path', manifestWith([fileEntry('a.dll')], { updater: { path: 'b.exe' } })],
    ['updater escaping', 'updater.path', manifestWith([fileEntry('a.dll')], { updater: { path: '../b.exe' } })],
  ])('rejects %s, naming %s', (_name, key, bytes) => {
    const error = rejection(bytes);
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.zh).toContain(key);
  });

  it('rejects non-JSON and oversized manifests', () => {
    expect(rejection(Buffer.from('{not json')).code).toBe('MANIFEST_INVALID');
    expect(rejection(Buffer.alloc(33 * 1024 * 1024, 0x20)).zh).toContain('larger than');
  });
});
