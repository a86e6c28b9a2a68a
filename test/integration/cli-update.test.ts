import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSingleJson, runCli } from '../helpers/cli';
import type { CliJsonResult } from '../../src/main/cli/output';
import { createScenario, hashTree, installState, listFilesRecursive, treeMatches, type Scenario } from '../helpers/scenario';

/** The one JSON object `--json` prints (src/main/cli/output.ts). */
type UpdateJson = CliJsonResult;

const scenarios: Scenario[] = [];
async function scenario(...args: Parameters<typeof createScenario>): Promise<Scenario> {
  const s = await createScenario(...args);
  scenarios.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(scenarios.splice(0).map((s) => s.cleanup()));
});

describe('his-update update (real CLI, real files)', () => {
  it.each(['run-updater', 'mirror'] as const)('updates 1.0.0 → 2.0.0 in %s mode and prints one JSON object', async (mode) => {
    const s = await scenario({ mode });
    const run = await runCli(['update', '--json', '--config', s.configFile]);
    const out = parseSingleJson<UpdateJson>(run);
    expect(run.code, run.stderr).toBe(0);
    expect(out).toMatchObject({ ok: true, app: 'nurse', from: '1.0.0', to: '2.0.0', errorCode: null, outcome: 'updated' });
    expect(out.message).toContain('已从 1.0.0 更新到 2.0.0');
    expect(out.bytes).toBeGreaterThan(0);
    expect(treeMatches(await hashTree(s.installDir), s.v2Hashes)).toBe(true);
    // No agent leftovers in the install folder.
    expect(listFilesRecursive(s.installDir).some((f) => f.includes('.his-update'))).toBe(false);
    if (mode === 'mirror') {
      // Only the changed third (plus version.txt) crossed the wire.
      const total = [...s.v2Hashes.keys()].length;
      expect(out.files).toBeLessThan(total / 2);
    }

    const status = await runCli(['status', '--json', '--config', s.configFile]);
    const parsed = parseSingleJson<{ apps: Array<{ installedVersion: string }>; history: Array<{ outcome: string; from: string; to: string }> }>(status);
    expect(parsed.apps[0]!.installedVersion).toBe('2.0.0');
    expect(parsed.history.at(-1)).toMatchObject({ outcome: 'updated', from: '1.0.0', to: '2.0.0' });
  });

  it('an up-to-date check moves 0 file bytes and reads nothing but the manifest', async () => {
    const s = await scenario({ mode: 'mirror' });
    expect((await runCli(['update', '--config', s.configFile])).code).toBe(0);
    // Remove every release file from the share: any read beyond the manifest would now fail.
    for (const rel of s.v2Hashes.keys()) await fsp.rm(path.join(s.shareDir, ...rel.split('/')));
    const check = await runCli(['check', '--json', '--config', s.configFile]);
    expect(parseSingleJson<UpdateJson>(check)).toMatchObject({ ok: true, bytes: 0, outcome: 'up-to-date' });
    expect(check.code).toBe(0);
    const update = await runCli(['update', '--json', '--config', s.configFile]);
    expect(parseSingleJson<UpdateJson>(update)).toMatchObject({ ok: true, bytes: 0, files: 0, outcome: 'up-to-date' });
  });

  it('check reports an available update with exit code 10 and downloads nothing', async () => {
    const s = await scenario({ mode: 'mirror' });
    const check = await runCli(['check', '--json', '--config', s.configFile]);
    expect(check.code).toBe(10);
    expect(parseSingleJson<UpdateJson>(check)).toMatchObject({ ok: true, from: '1.0.0', to: '2.0.0', bytes: 0, outcome: 'update-available' });
    expect(listFilesRecursive(s.stagingDir)).toEqual([]);
  });

  it('a download killed with SIGKILL mid-file resumes from its offset and finishes with correct hashes', async () => {
    const big = Buffer.alloc(24 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4) big.writeUInt32LE((i * 2654435761) >>> 0, i);
    const s = await scenario({ mode: 'mirror', files: 6, totalBytes: 64 * 1024, extraV2Files: { 'bin/big.dat': big }, agent: { downloadConcurrency: 1 } });
    const killed = await runCli(['update', '--json', '--config', s.configFile], { env: { HIS_UPDATE_FAULT_KILL_AT: 'download-chunk:10' } });
    expect(killed.signal).toBe('SIGKILL');
    const parts = listFilesRecursive(s.stagingDir).filter((f) => f.endsWith('.his-part'));
    expect(parts.length).toBe(1);
    const partial = (await fsp.stat(path.join(s.stagingDir, parts[0]!))).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(big.length);
    expect(await installState(s)).toBe('old');

    const resumed = await runCli(['update', '--json', '--config', s.configFile]);
    const out = parseSingleJson<UpdateJson>(resumed);
    expect(out.ok, out.message).toBe(true);
    // The second run fetched only what was missing: not the bytes already in the partial file.
    const total = [...(await hashTree(s.shareDir)).keys()].length;
    expect(total).toBeGreaterThan(0);
    expect(out.bytes).toBeLessThanOrEqual(big.length - partial + 64 * 1024 + 1024);
    expect(await installState(s)).toBe('new');
  });

  it.each([1, 5, 12])('an apply killed with SIGKILL after swap %i leaves, after the next start, an install that is all old, then all new', async (swaps) => {
    const s = await scenario({ mode: 'mirror', files: 40 });
    const killed = await runCli(['update', '--config', s.configFile], { env: { HIS_UPDATE_FAULT_KILL_AT: `swap:${swaps}` } });
    expect(killed.signal).toBe('SIGKILL');
    expect(await installState(s)).toBe('mixed');
    // Next start: recovery rolls back the half-done swap before anything else.
    const check = await runCli(['check', '--json', '--config', s.configFile]);
    expect(check.code).toBe(10);
    expect(await installState(s)).toBe('old');
    const update = await runCli(['update', '--json', '--config', s.configFile]);
    expect(parseSingleJson<UpdateJson>(update).ok).toBe(true);
    expect(await installState(s)).toBe('new');
  });

  it('a crash after commit is completed (all new) at the next start', async () => {
    const s = await scenario({ mode: 'mirror', files: 20 });
    const killed = await runCli(['update', '--config', s.configFile], { env: { HIS_UPDATE_FAULT_KILL_AT: 'commit:1' } });
    expect(killed.signal).toBe('SIGKILL');
    expect(await installState(s)).toBe('new');
    const check = await runCli(['check', '--json', '--config', s.configFile]);
    expect(parseSingleJson<UpdateJson>(check)).toMatchObject({ ok: true, outcome: 'up-to-date' });
    expect(listFilesRecursive(s.installDir).some((f) => f.includes('.his-update-apply'))).toBe(false);
  });

  it.each(['run-updater', 'mirror'] as const)('a file corrupted on the share is refused with HASH_MISMATCH and the install is untouched (%s)', async (mode) => {
    const s = await scenario({ mode });
    const victim = [...s.v2Hashes.keys()].find((k) => k.startsWith('dict/'))!;
    const file = path.join(s.shareDir, ...victim.split('/'));
    const bytes = await fsp.readFile(file);
    bytes[0] = bytes[0]! ^ 0xff;
    await fsp.writeFile(file, bytes);
    const run = await runCli(['update', '--json', '--config', s.configFile]);
    const out = parseSingleJson<UpdateJson>(run);
    expect(run.code).toBe(1);
    expect(out).toMatchObject({ ok: false, errorCode: 'HASH_MISMATCH' });
    expect(out.message).toContain(victim);
    expect(await installState(s)).toBe('old');
  });

  it('updater exit 1 → UPDATER_FAILED, old version intact', async () => {
    const s = await scenario({
      mode: 'run-updater',
      updaterSource: `import fs from 'node:fs'; import path from 'node:path';
fs.writeFileSync(path.join(process.argv[2], 'version.txt'), 'half-written');
console.error('cannot connect database'); process.exit(1);`,
    });
    const run = await runCli(['update', '--json', '--config', s.configFile]);
    const out = parseSingleJson<UpdateJson & { detail: string }>(run);
    expect(run.code).toBe(1);
    expect(out).toMatchObject({ ok: false, errorCode: 'UPDATER_FAILED' });
    expect(out.message).toContain('退出码 1');
    expect(out.message).toContain('已保留旧版本');
    expect(out.detail).toContain('cannot connect database');
    // The updater had already touched version.txt: the agent put it back.
    expect(await installState(s)).toBe('old');
  });

  it('an updater that never exits → UPDATER_TIMEOUT, its whole process tree killed, old version intact', async () => {
    const s = await scenario({
      mode: 'run-updater',
      updaterTimeoutSeconds: 2,
      updaterSource: `import { spawn } from 'node:child_process'; import fs from 'node:fs';
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
fs.writeFileSync(process.env.HIS_UPDATE_RELEASE_DIR + '/../child.pid', String(child.pid));
setInterval(() => {}, 1000);`,
    });
    const started = Date.now();
    const run = await runCli(['update', '--json', '--config', s.configFile]);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(parseSingleJson<UpdateJson>(run)).toMatchObject({ ok: false, errorCode: 'UPDATER_TIMEOUT' });
    const childPid = Number(await fsp.readFile(path.join(s.stagingDir, 'nurse', 'child.pid'), 'utf8'));
    expect(isAlive(childPid)).toBe(false);
    expect(await installState(s)).toBe('old');
  });

  it('an install folder the account cannot write → LOCAL_NOT_WRITABLE, nothing changed (as user nobody)', async () => {
    const s = await scenario({ mode: 'mirror' });
    // The agent's own folders are writable for nobody; the install folder stays root's 0755.
    for (const dir of [s.stateDir, s.stagingDir, path.join(s.root, 'logs')]) {
      await fsp.mkdir(dir, { recursive: true });
      await fsp.chmod(dir, 0o777);
    }
    await fsp.chmod(s.configFile, 0o644);
    const run = await runCli(['update', '--json', '--config', s.configFile], { uid: 65534 });
    const out = parseSingleJson<UpdateJson>(run);
    expect(out).toMatchObject({ ok: false, errorCode: 'LOCAL_NOT_WRITABLE' });
    expect(out.message).toContain(s.installDir);
    expect(out.message).toContain('信息科');
    expect(await installState(s)).toBe('old');
  });

  it('two concurrent updates: the second reports the lock (exit 3)', async () => {
    const s = await scenario({
      mode: 'run-updater',
      updaterSource: `import fs from 'node:fs';
await new Promise((r) => setTimeout(r, 2500));
fs.cpSync(process.cwd(), process.argv[2], { recursive: true, filter: (p) => !p.endsWith('auto_update.mjs') });`,
    });
    const first = runCli(['update', '--json', '--config', s.configFile]);
    await waitFor(() => fsp.access(path.join(s.stateDir, 'agent.lock')).then(() => true, () => false));
    const second = await runCli(['update', '--json', '--config', s.configFile]);
    expect(second.code).toBe(3);
    expect(parseSingleJson<UpdateJson>(second)).toMatchObject({ ok: false, errorCode: 'LOCK_HELD' });
    const firstRun = await first;
    expect(parseSingleJson<UpdateJson>(firstRun)).toMatchObject({ ok: true, outcome: 'updated' });
  });

  it('a bad config names the file, the key and what was expected (exit 2)', async () => {
    const s = await scenario({ mode: 'mirror' });
    await s.writeConfig((c) => {
      (c.apps as Array<Record<string, unknown>>)[0]!.apply = { mode: 'copy-everything' };
    });
    const run = await runCli(['update', '--json', '--config', s.configFile]);
    expect(run.code).toBe(2);
    const out = parseSingleJson<UpdateJson>(run);
    expect(out.errorCode).toBe('CONFIG_INVALID');
    expect(out.message).toContain(s.configFile);
    expect(out.message).toContain('apps[0].apply');
  });
});

/** Alive means running: a killed process waiting to be reaped (zombie, state Z) does not count. */
function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor(predicate: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not met in time');
}
