import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Agent } from '../../src/main/core/agent';
import { loadConfig } from '../../src/main/core/config/load';
import { createEngineContext } from '../../src/main/core/engine/create-context';
import { AgentError } from '../../src/main/core/errors/agent-error';
import { silentLogger } from '../../src/main/core/logger';
import { NativeShareClient } from '../../src/main/core/share/native-share';
import { MANIFEST_NAME, MAX_FILES, parseManifest } from '../../src/main/core/sync/manifest';
import { readRelease } from '../../src/main/core/sync/release-reader';
import { runCli } from '../helpers/cli';
import { createScenario, installState } from '../helpers/scenario';
import { FaultTable } from '../faults/support/fault-table';

/**
 * Hostile release manifests (the share is writable by more people than IT): random and crafted paths
 * (unicode, very long, `..`, absolute, drive, UNC, ADS `:`, device names, reserved names, case-only
 * duplicates), random sizes and types, random JSON, and a 10^6-entry manifest. Every one is refused
 * with MANIFEST_INVALID or accepted only when each path provably stays inside the install folder on
 * Windows and POSIX alike; a sample of accepted ones is applied for real, and nothing may appear
 * outside the install folder.
 */
const table = new FaultTable('fuzz-manifest');
afterAll(() => table.print());

const RUNS = Number(process.env.HIS_FUZZ_RUNS ?? 400);
const DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;
const sha = (data: Buffer | string) => crypto.createHash('sha256').update(data).digest('hex');

/** Independent of the engine's validator: would Windows or POSIX put this path anywhere but inside root? */
function escapesOrIsUnsafe(p: string): string | null {
  const win = path.win32.resolve('C:\\his\\install', p);
  if (!win.toLowerCase().startsWith('c:\\his\\install\\')) return `resolves to ${win} on Windows`;
  const posix = path.posix.resolve('/his/install', p);
  if (!posix.startsWith('/his/install/')) return `resolves to ${posix} on POSIX`;
  for (const segment of p.split(/[\\/]/)) {
    if (segment.includes(':')) return 'has ":" (drive or alternate data stream)';
    if (DEVICE.test(segment.split('.')[0]!.trim())) return 'names a device';
    if (/[\u0000-\u001f]/.test(segment)) return 'has a control character';
    if (segment === '' || segment === '.' || segment === '..') return 'has an empty, . or .. segment';
    if (/[. ]$/.test(segment)) return 'ends in a dot or space (Windows strips it)';
  }
  if (p.split('/')[0]!.toLowerCase() === '.his-update-apply' || p.toLowerCase() === MANIFEST_NAME) return 'is the agent\'s own';
  return null;
}

const hostileSegment = fc.oneof(
  fc.constantFrom('..', '.', '', '...', ' ', 'CON', 'con.txt', 'NUL', 'Com1.log', 'LPT¹', 'aux .dll', 'CONIN$', 'file.txt::$DATA', 'a:b', 'C:', 'c:x', '\\', '\\\\server\\share', 'x\u0000y', 'tab\there', 'trailing.', 'trailing ', '.his-update-apply', 'his-release.json', 'e\u0301', 'é'),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('报表', 'Ω', '😀', 'İ', 'ß', 'ǅ', 'ﬁ', '\u202e'),
);
const niceSegment = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,12}(\.[a-z]{1,4})?$/), fc.constantFrom('bin', '报表', 'plugins', 'Ω-data', 'файл.dll', 'ファイル'));
const relPath = fc.oneof(
  fc.array(fc.oneof(niceSegment, niceSegment, hostileSegment), { minLength: 1, maxLength: 5 }).map((s) => s.join('/')),
  fc.array(niceSegment, { minLength: 1, maxLength: 4 }).map((s) => s.join('\\')),
  fc.constantFrom('/etc/passwd', '\\Windows\\System32\\x.dll', 'C:\\Windows\\x.dll', 'c:/x', '//server/share/x', '\\\\?\\C:\\x', '\\\\.\\PhysicalDrive0', 'a/../../b', '../x', 'a/./b', 'a//b', `${'a'.repeat(241)}`, `${'長'.repeat(200)}/x`, `d/${'x'.repeat(256)}`),
);

function manifestOf(paths: string[], extra: Partial<Record<'size' | 'sha256', unknown>> = {}): Buffer {
  return Buffer.from(JSON.stringify({ format: 1, app: 'nurse', version: '2.0.0', files: paths.map((p) => ({ path: p, size: 3, sha256: sha('abc'), ...extra })) }));
}

function parse(bytes: Buffer): { ok: true; paths: string[] } | { ok: false; error: AgentError } {
  try {
    return { ok: true, paths: parseManifest(bytes, 'fuzz').files.map((f) => f.path) };
  } catch (error) {
    expect(error).toBeInstanceOf(AgentError);
    expect((error as AgentError).code).toBe('MANIFEST_INVALID');
    return { ok: false, error: error as AgentError };
  }
}

describe('manifest fuzzing', () => {
  it('random and crafted paths: refused, or provably inside the install folder', async () => {
    let accepted = 0;
    let refused = 0;
    await table.run('manifest paths', `${RUNS} manifests of 1-6 random/crafted paths (unicode, long, .., absolute, drive, UNC, ADS, devices, reserved, controls)`, 'MANIFEST_INVALID, or every path inside the install folder on Windows and POSIX', async (measure) => {
      fc.assert(
        fc.property(fc.array(relPath, { minLength: 1, maxLength: 6 }), (paths) => {
          const result = parse(manifestOf(paths));
          if (!result.ok) {
            refused++;
            expect(result.error.zh).toContain('发布清单');
            return;
          }
          accepted++;
          for (const p of result.paths) expect(escapesOrIsUnsafe(p), p).toBeNull();
        }),
        { numRuns: RUNS, seed: 8 },
      );
      measure(`${accepted} accepted (all inside), ${refused} refused`);
    });
  });

  it('paths that differ only in case (or Unicode form) are duplicates', async () => {
    await table.run('case-only duplicates', `${RUNS / 2} manifests with a path and the same path in another case / NFD`, 'MANIFEST_INVALID (Windows would write both into one file)', async (measure) => {
      fc.assert(
        fc.property(fc.array(niceSegment, { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 1000 }), (segments, flip) => {
          const original = segments.join('/');
          const variant = [...original].map((c, i) => ((i + flip) % 2 ? c.toUpperCase() : c.toLowerCase())).join('');
          fc.pre(variant !== original && variant.toUpperCase() === original.toUpperCase());
          const result = parse(manifestOf([original, variant]));
          expect(result.ok, `${original} + ${variant}`).toBe(false);
        }),
        { numRuns: RUNS / 2, seed: 9 },
      );
      expect(parse(manifestOf(['a/é.dll', 'a/e\u0301.dll'])).ok).toBe(false);
      expect(parse(manifestOf(['Bin/x.dll', 'bin/X.DLL'])).ok).toBe(false);
      expect(parse(manifestOf(['bin', 'bin/x.dll'])).ok).toBe(false);
      measure('every case-only or NFC/NFD pair refused; a file used as a folder refused');
    });
  });

  it('random sizes, types and whole random JSON: MANIFEST_INVALID, never another exception', async () => {
    let refused = 0;
    await table.run('manifest values and shapes', `${RUNS} random field values (sizes, hashes, types) and ${RUNS} random JSON documents`, 'only MANIFEST_INVALID or a valid manifest; nothing else thrown', async (measure) => {
      fc.assert(
        fc.property(fc.anything(), fc.anything(), (size, hash) => {
          const result = parse(manifestOf(['bin/a.dll'], { size, sha256: hash }));
          if (!result.ok) refused++;
          else expect(Number.isInteger(size) && (size as number) >= 0 && typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash)).toBe(true);
        }),
        { numRuns: RUNS, seed: 10 },
      );
      fc.assert(
        fc.property(fc.jsonValue(), (doc) => {
          parse(Buffer.from(JSON.stringify(doc) ?? 'null'));
        }),
        { numRuns: RUNS, seed: 11 },
      );
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
          parse(Buffer.from(bytes));
        }),
        { numRuns: RUNS, seed: 12 },
      );
      measure(`${refused}/${RUNS} field mutations refused; random JSON and random bytes: only MANIFEST_INVALID`);
    });
  });

  it('10^6 entries and 100,001 entries: refused quickly with bounded memory', async () => {
    await table.run('huge manifests', '10^6-entry manifest (≈ 90 MB) and a 100,001-entry one (≈ 9 MB, under the byte limit)', 'MANIFEST_INVALID (byte limit / entry limit) in < 5 s each, heap growth < 300 MB', async (measure) => {
      const entry = (i: number) => `{"path":"f/${i.toString(36)}","size":1,"sha256":"${'0'.repeat(64)}"}`;
      const build = (n: number) => Buffer.from(`{"format":1,"app":"nurse","version":"2.0.0","files":[${Array.from({ length: n }, (_, i) => entry(i)).join(',')}]}`);
      const million = build(1_000_000);
      let started = Date.now();
      const huge = parse(million);
      const hugeMs = Date.now() - started;
      expect(huge.ok).toBe(false);
      expect(!huge.ok && huge.error.en).toMatch(/larger than/);
      const overCount = build(MAX_FILES + 1);
      const heapBefore = process.memoryUsage().heapUsed;
      started = Date.now();
      const many = parse(overCount);
      const manyMs = Date.now() - started;
      const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
      expect(many.ok).toBe(false);
      expect(hugeMs).toBeLessThan(5000);
      expect(manyMs).toBeLessThan(5000);
      expect(heapGrowth).toBeLessThan(300 * 1024 * 1024);
      measure(`10^6 (${Math.round(million.length / 1e6)} MB): refused in ${hugeMs} ms; ${MAX_FILES + 1} (${Math.round(overCount.length / 1e6)} MB): refused in ${manyMs} ms, heap +${Math.round(heapGrowth / 1e6)} MB`);
    });
  });

  it('the 10^6-entry manifest on a share: the CLI refuses it without reading it whole', async () => {
    const s = await createScenario({ mode: 'mirror', files: 3, totalBytes: 4096 });
    try {
      await table.run('huge manifest on the share (CLI)', '`his-update check` with a 90 MB his-release.json of 10^6 entries', 'MANIFEST_INVALID naming the manifest (a bad release, not a share read error), install untouched', async (measure) => {
        const out = fs.openSync(path.join(s.shareDir, MANIFEST_NAME), 'w');
        fs.writeSync(out, '{"format":1,"app":"nurse","version":"2.0.0","files":[');
        for (let i = 0; i < 1_000_000; i += 10_000) {
          fs.writeSync(out, Array.from({ length: 10_000 }, (_, j) => `${i + j ? ',' : ''}{"path":"f/${(i + j).toString(36)}","size":1,"sha256":"${'0'.repeat(64)}"}`).join(''));
        }
        fs.writeSync(out, ']}');
        fs.closeSync(out);
        const started = Date.now();
        const run = await runCli(['check', '--json', '--config', s.configFile]);
        const ms = Date.now() - started;
        const result = JSON.parse(run.stdout) as { errorCode: string; message: string };
        expect(run.code).toBe(1);
        expect(result.errorCode).toBe('MANIFEST_INVALID');
        expect(await installState(s)).toBe('old');
        expect(result.message).toContain(MANIFEST_NAME);
        measure(`${result.errorCode} after ${ms} ms: "${result.message.slice(0, 70)}…"`);
      });
    } finally {
      await s.cleanup();
    }
  });

  it('a release folder without a manifest (listing mode) with hostile file names is refused', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'his-fuzz-listing-'));
    try {
      await table.run('listing mode, hostile names on the share', 'files named a:b, CON.txt, x\\y, "trailing.", tab\\tname, NFD é, bin + BIN duplicates', 'MANIFEST_INVALID naming the file', async (measure) => {
        const names = ['a:b', 'CON.txt', 'x\\y', 'trailing.', 'tab\tname', 'e\u0301.dll'];
        const codes: string[] = [];
        for (const name of names) {
          await fsp.rm(dir, { recursive: true, force: true });
          await fsp.mkdir(dir, { recursive: true });
          await fsp.writeFile(path.join(dir, 'ok.dll'), 'x');
          await fsp.writeFile(path.join(dir, name), 'x');
          const error = await readRelease(new NativeShareClient({ path: dir, timeoutMs: 5000 }), { appId: 'nurse', version: '2.0.0', allowListing: true }).then(
            () => null,
            (e: unknown) => e as AgentError,
          );
          expect(error?.code, name).toBe('MANIFEST_INVALID');
          codes.push(error!.code);
        }
        await fsp.rm(dir, { recursive: true, force: true });
        await fsp.mkdir(path.join(dir, 'bin'), { recursive: true });
        await fsp.mkdir(path.join(dir, 'BIN'), { recursive: true });
        await fsp.writeFile(path.join(dir, 'bin', 'a.dll'), 'x');
        await fsp.writeFile(path.join(dir, 'BIN', 'A.DLL'), 'y');
        const dup = await readRelease(new NativeShareClient({ path: dir, timeoutMs: 5000 }), { appId: 'nurse', version: '2.0.0', allowListing: true }).then(() => null, (e: unknown) => e as AgentError);
        expect(dup?.code).toBe('MANIFEST_INVALID');
        measure(`${codes.length + 1}/${names.length + 1} refused`);
      });
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });

  it('accepted manifests applied for real: nothing is written outside the install folder', async () => {
    // Deep inside a private root, so a write that escapes by a few `..` still lands where we look.
    const top = await fsp.mkdtemp(path.join(os.tmpdir(), 'his-fuzz-apply-'));
    const root = path.join(top, 'a', 'b', 'c');
    const samples: string[][] = [];
    fc.assert(
      fc.property(fc.array(relPath, { minLength: 1, maxLength: 5 }), (paths) => {
        const result = parse(manifestOf(paths));
        if (result.ok && samples.length < 25) samples.push(result.paths);
      }),
      { numRuns: RUNS * 2, seed: 13 },
    );
    const outcomes = { updated: 0, refusedByOs: 0 };
    try {
      await table.run('accepted manifests applied', `${samples.length} accepted random manifests, mirror mode, real files, root 4 folders deep`, 'install matches the release by hash or the run fails with an AgentError; no file anywhere but install/staging/state/logs/share', async (measure) => {
        expect(samples.length).toBeGreaterThan(10);
        for (const [i, paths] of samples.entries()) {
          await fsp.rm(top, { recursive: true, force: true });
          const dirs = { share: path.join(root, 'share'), install: path.join(root, 'install'), state: path.join(root, 'state'), staging: path.join(root, 'staging'), logs: path.join(root, 'logs') };
          for (const dir of Object.values(dirs)) await fsp.mkdir(dir, { recursive: true });
          await fsp.writeFile(path.join(dirs.install, 'version.txt'), '1.0.0\n');
          const files = paths.map((p, j) => ({ path: p, content: Buffer.from(`file ${i}/${j} ${p}`) }));
          const written: typeof files = [];
          for (const f of files) {
            try {
              const full = path.join(dirs.share, ...f.path.split('/'));
              await fsp.mkdir(path.dirname(full), { recursive: true });
              await fsp.writeFile(full, f.content);
              written.push(f);
            } catch {
              // A name Linux cannot hold (e.g. too many UTF-8 bytes): the manifest still lists it.
            }
          }
          const manifest = { format: 1, app: 'nurse', version: '2.0.0', files: files.map((f) => ({ path: f.path, size: f.content.length, sha256: sha(f.content) })) };
          await fsp.writeFile(path.join(dirs.share, MANIFEST_NAME), JSON.stringify(manifest));
          const configFile = path.join(root, 'config.json');
          await fsp.writeFile(
            configFile,
            JSON.stringify({
              agent: { stateDir: dirs.state, stagingDir: dirs.staging, logDir: dirs.logs, retries: 0 },
              apps: [{ id: 'nurse', displayName: 'n', installDir: dirs.install, localVersion: { type: 'file', path: 'version.txt' }, share: { path: dirs.share }, apply: { mode: 'mirror' } }],
            }),
          );
          const before = new Set(walk(top));
          const agent = new Agent(createEngineContext(await loadConfig(configFile), silentLogger));
          const [record] = await agent.update();
          const allowed = Object.values(dirs).map((d) => d + path.sep);
          const stray = walk(top).filter((f) => !before.has(f) && !allowed.some((d) => f.startsWith(d)) && f !== configFile);
          expect(stray, `manifest ${JSON.stringify(paths)}`).toEqual([]);
          if (!record!.error) {
            outcomes.updated++;
            for (const f of files) expect(sha(await fsp.readFile(path.join(dirs.install, ...f.path.split('/'))))).toBe(sha(f.content));
          } else {
            outcomes.refusedByOs++;
            expect(written.length < files.length || record!.error.code !== 'INTERNAL_ERROR', `${record!.error.code}: ${record!.error.detail}`).toBe(true);
          }
        }
        measure(`${outcomes.updated} applied with every hash right, ${outcomes.refusedByOs} failed cleanly (names this file system cannot hold); 0 files outside`);
      });
    } finally {
      await fsp.rm(top, { recursive: true, force: true });
    }
  }, 120_000);
});

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[]).map((e) => path.join(e.parentPath, e.name));
}
