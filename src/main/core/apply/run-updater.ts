import fsp from 'node:fs/promises';
import path from 'node:path';
import { AgentError } from '../errors/agent-error';
import type { Logger } from '../logger';
import type { Release } from '../sync/manifest';
import { pathKey } from '../sync/release-path';
import { localPath, pathExists } from '../util/fs-atomic';
import { versionsEqual } from '../version/compare';
import { assertInstallDirWritable } from './install-probe';
import { makePrivateRunCopy } from './private-run-copy';
import { runUpdaterProcess } from './updater-process';

export interface UpdaterSpec {
  path: string;
  args: string[];
  successExitCodes: number[];
  timeoutSeconds: number;
}

export interface RunUpdaterInput {
  appId: string;
  installDir: string;
  /** The complete, verified local copy of the release: the updater runs from here, never from the share. */
  releaseDir: string;
  release: Release;
  updater: UpdaterSpec;
  from: string | null;
  to: string;
  /** Copy of the install files the release touches, restored when the updater fails. */
  restoreDir: string | null;
  readInstalledVersion: () => Promise<string | null>;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
}

export interface RunUpdaterResult {
  exitCode: number | null;
  durationMs: number;
}

/** `{installDir}` `{releaseDir}` `{version}` `{fromVersion}` in configured args. */
export function expandArgs(args: string[], values: Record<string, string>): string[] {
  return args.map((arg) => arg.replace(/\{(installDir|releaseDir|version|fromVersion)\}/g, (_m, key: string) => values[key] ?? ''));
}

/**
 * Runs the vendor updater from a private, verified copy of the local release (cwd = that folder), with
 * timeout and exit-code policy, then checks the installed version equals the target. On any failure the
 * install files the release covers are put back from the restore copy, so the old version keeps working.
 */
export async function applyRunUpdater(input: RunUpdaterInput): Promise<RunUpdaterResult> {
  const exe = input.updater.path;
  const entry = input.release.files.find((f) => pathKey(f.path) === pathKey(exe));
  const executable = localPath(input.releaseDir, entry?.path ?? exe);
  if (!entry || !(await pathExists(executable))) throw new AgentError('UPDATER_MISSING', { exe });
  await assertInstallDirWritable(input.installDir);
  // The updater starts from a private copy hashed as it was written: no window between check and start.
  const runCopy = await makePrivateRunCopy({ releaseDir: input.releaseDir, release: input.release, parentDir: path.dirname(input.releaseDir), executable: entry.path, logger: input.logger });
  try {
    return await runFromCopy(input, exe, localPath(runCopy.dir, entry.path), runCopy.dir);
  } finally {
    await runCopy.remove().catch((error: unknown) => input.logger.warn('could not remove the updater run folder', { dir: runCopy.dir, error: String(error) }));
  }
}

async function runFromCopy(input: RunUpdaterInput, exe: string, executable: string, runDir: string): Promise<RunUpdaterResult> {
  const snapshot = input.restoreDir ? await snapshotInstall(input) : null;
  const restore = async () => {
    if (snapshot) await restoreInstall(input, snapshot).catch((error: unknown) => input.logger.error('restoring the install after a failed updater failed', { error: String(error) }));
  };
  const args = expandArgs(input.updater.args, { installDir: input.installDir, releaseDir: runDir, version: input.to, fromVersion: input.from ?? '' });
  input.logger.info(`running updater ${exe} ${JSON.stringify(args)} in ${runDir}`);
  let result;
  try {
    result = await runUpdaterProcess({
      executable,
      args,
      cwd: runDir,
      env: { ...process.env, ...input.env, HIS_UPDATE_INSTALL_DIR: input.installDir, HIS_UPDATE_RELEASE_DIR: runDir, HIS_UPDATE_VERSION: input.to },
      timeoutMs: input.updater.timeoutSeconds * 1000,
      logger: input.logger,
    });
  } catch (error) {
    await restore();
    throw new AgentError('UPDATER_START_FAILED', { exe, reason: (error as NodeJS.ErrnoException).code ?? 'error' }, error);
  }
  if (result.timedOut) {
    await restore();
    throw new AgentError('UPDATER_TIMEOUT', { exe, seconds: input.updater.timeoutSeconds }, result.outputTail);
  }
  if (result.exitCode === null || !input.updater.successExitCodes.includes(result.exitCode)) {
    await restore();
    const code = result.exitCode ?? result.signal ?? '?';
    throw new AgentError('UPDATER_FAILED', { exe, code }, `exit ${code}; output: ${result.outputTail.slice(-1500)}`);
  }
  const installed = await input.readInstalledVersion().catch(() => null);
  if (installed === null || !versionsEqual(installed, input.to)) {
    await restore();
    throw new AgentError('VERSION_AFTER_UPDATE_MISMATCH', { expected: input.to, actual: installed ?? '?' }, result.outputTail.slice(-1500));
  }
  if (input.restoreDir) await fsp.rm(input.restoreDir, { recursive: true, force: true });
  return { exitCode: result.exitCode, durationMs: result.durationMs };
}

interface Snapshot {
  saved: string[];
  absent: string[];
}

async function snapshotInstall(input: RunUpdaterInput): Promise<Snapshot> {
  const restoreDir = input.restoreDir!;
  await fsp.rm(restoreDir, { recursive: true, force: true });
  const snapshot: Snapshot = { saved: [], absent: [] };
  for (const file of input.release.files) {
    const installed = localPath(input.installDir, file.path);
    if (await pathExists(installed)) {
      const copy = localPath(restoreDir, file.path);
      await fsp.mkdir(path.dirname(copy), { recursive: true });
      await fsp.copyFile(installed, copy);
      snapshot.saved.push(file.path);
    } else snapshot.absent.push(file.path);
  }
  return snapshot;
}

async function restoreInstall(input: RunUpdaterInput, snapshot: Snapshot): Promise<void> {
  for (const rel of snapshot.saved) await fsp.copyFile(localPath(input.restoreDir!, rel), localPath(input.installDir, rel));
  for (const rel of snapshot.absent) await fsp.rm(localPath(input.installDir, rel), { force: true });
  input.logger.info(`restored ${snapshot.saved.length} install files after the failed updater`);
}
