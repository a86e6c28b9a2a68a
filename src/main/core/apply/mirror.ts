import fsp from 'node:fs/promises';
import path from 'node:path';
import { AgentError } from '../errors/agent-error';
import type { Logger } from '../logger';
import type { HashCache } from '../sync/hash-cache';
import type { SyncPlan } from '../sync/plan';
import { pathKey } from '../sync/release-path';
import { DIR_MODE, FILE_MODE, isNodeError, localPath, pathExists, sha256File } from '../util/fs-atomic';
import { faultPoint } from '../util/fault-injection';
import { mapConcurrent } from '../util/concurrency';
import { formatBytes } from '../util/format';
import { assertInstallDirWritable } from './install-probe';
import { readJournal, removeWorkDir, rollBack, swapIn, workDirs, writeJournal, type JournalOp } from './mirror-journal';

/** File operations in flight during prepare, swap and bookkeeping (each is a few metadata syscalls). */
const FILE_OPS_IN_FLIGHT = 8;

export interface MirrorApplyInput {
  appId: string;
  installDir: string;
  from: string | null;
  to: string;
  plan: SyncPlan;
  /** Where the verified downloads are. */
  stagingDir: string;
  installCache: HashCache;
  /** Files of the release applied last time (null: unknown, delete nothing). */
  previousFiles: string[] | null;
  deleteRemoved: boolean;
  /** A version file the agent writes itself when the release does not carry it. */
  versionFile?: { path: string; content: string };
  logger: Logger;
}

export interface MirrorApplyResult {
  filesReplaced: number;
  filesDeleted: number;
}

/**
 * Applies the release by itself: prepares every new file inside the install dir's work folder, writes
 * a journal, then swaps file by file with renames (old → backup, new → place). Any failure rolls
 * back; a crash is rolled back by recoverMirror() at the next start. The install is never half new.
 */
export async function applyMirror(input: MirrorApplyInput): Promise<MirrorApplyResult> {
  await assertInstallDirWritable(input.installDir);
  const dirs = workDirs(input.installDir);
  await recoverMirror(input.installDir, input.logger);
  const ops: JournalOp[] = [];
  try {
    await fsp.mkdir(dirs.incoming, { recursive: true, mode: DIR_MODE });
    const changed = input.plan.actions.filter((a) => a.kind !== 'unchanged');
    ops.push(
      ...(await mapConcurrent(changed, FILE_OPS_IN_FLIGHT, async (action): Promise<JournalOp> => {
        await stageIntoWorkDir(localPath(input.stagingDir, action.file.path), localPath(dirs.incoming, action.file.path), action.file.sha256);
        return { path: action.file.path, kind: (await pathExists(localPath(input.installDir, action.file.path))) ? 'replace' : 'add' };
      })),
    );
    if (input.versionFile) {
      const incoming = localPath(dirs.incoming, input.versionFile.path);
      await fsp.mkdir(path.dirname(incoming), { recursive: true, mode: DIR_MODE });
      await fsp.writeFile(incoming, input.versionFile.content, { mode: FILE_MODE });
      const exists = await pathExists(localPath(input.installDir, input.versionFile.path));
      ops.push({ path: input.versionFile.path, kind: exists ? 'replace' : 'add' });
    }
    if (input.deleteRemoved && input.previousFiles) {
      const keep = new Set(input.plan.release.files.map((f) => pathKey(f.path)));
      if (input.versionFile) keep.add(pathKey(input.versionFile.path));
      for (const old of input.previousFiles) {
        if (!keep.has(pathKey(old)) && (await pathExists(localPath(input.installDir, old)))) ops.push({ path: old, kind: 'delete' });
      }
    }
  } catch (error) {
    await removeWorkDir(dirs).catch(() => {});
    throw mapApplyError(error, input, '(prepare)');
  }

  const journal = {
    format: 1 as const,
    appId: input.appId,
    from: input.from,
    to: input.to,
    state: 'swapping' as const,
    ops,
    releaseFiles: input.plan.release.files.map((f) => f.path),
  };
  await writeJournal(dirs, journal);
  let current = '';
  try {
    // Ops touch distinct files and the journal lists them all, so they may swap in any order:
    // rollBack() looks at each file's own state.
    await mapConcurrent(ops, FILE_OPS_IN_FLIGHT, async (op) => {
      try {
        await swapIn(input.installDir, dirs, op);
      } catch (error) {
        current = op.path;
        throw error;
      }
      faultPoint('swap');
    });
  } catch (error) {
    input.logger.error(`swap failed at ${current}, rolling back`, { error: String(error) });
    try {
      await rollBack(input.installDir, dirs, ops);
      await removeWorkDir(dirs);
    } catch (rollbackError) {
      throw new AgentError('ROLLBACK_FAILED', { dir: input.installDir, file: current }, rollbackError);
    }
    throw mapApplyError(error, input, current);
  }
  await writeJournal(dirs, { ...journal, state: 'committed' });
  faultPoint('commit');
  await removeWorkDir(dirs);
  const byPath = new Map(input.plan.release.files.map((f) => [f.path, f]));
  await mapConcurrent(ops, FILE_OPS_IN_FLIGHT, async (op) => {
    const sha256 = byPath.get(op.path)?.sha256;
    if (op.kind === 'delete') input.installCache.forget(op.path);
    else if (sha256) await input.installCache.rememberFile(op.path, localPath(input.installDir, op.path), sha256);
  });
  await input.installCache.save();
  return { filesReplaced: ops.filter((o) => o.kind !== 'delete').length, filesDeleted: ops.filter((o) => o.kind === 'delete').length };
}

export type RecoveryOutcome = { kind: 'none' } | { kind: 'rolled-back' | 'completed'; appId: string; from: string | null; to: string; releaseFiles: string[] };

/**
 * Finishes what a crash interrupted: a journal still "swapping" is rolled back (all old), a
 * "committed" one only needs its backups removed (all new). Safe to run at every start.
 */
export async function recoverMirror(installDir: string, logger: Logger): Promise<RecoveryOutcome> {
  const dirs = workDirs(installDir);
  if (!(await pathExists(dirs.root))) return { kind: 'none' };
  const journal = await readJournal(dirs);
  if (!journal) {
    await removeWorkDir(dirs);
    return { kind: 'none' };
  }
  if (journal.state === 'swapping') {
    logger.warn(`an interrupted update of ${journal.appId} (${journal.from ?? 'none'} → ${journal.to}) is rolled back`);
    try {
      await rollBack(installDir, dirs, journal.ops);
    } catch (error) {
      throw new AgentError('ROLLBACK_FAILED', { dir: installDir, file: '(journal)' }, error);
    }
  } else {
    logger.info(`an interrupted update of ${journal.appId} to ${journal.to} had committed; cleaning up`);
  }
  await removeWorkDir(dirs);
  return { kind: journal.state === 'swapping' ? 'rolled-back' : 'completed', appId: journal.appId, from: journal.from, to: journal.to, releaseFiles: journal.releaseFiles ?? [] };
}

/** Moves (same volume) or copies and re-verifies (other volume) a verified staged file into the work folder. */
async function stageIntoWorkDir(source: string, destination: string, sha256: string | undefined): Promise<void> {
  await fsp.mkdir(path.dirname(destination), { recursive: true, mode: DIR_MODE });
  try {
    await fsp.rename(source, destination);
    return;
  } catch (error) {
    if (!isNodeError(error, 'EXDEV')) throw error;
  }
  await fsp.copyFile(source, destination);
  if (sha256 && (await sha256File(destination)) !== sha256) {
    await fsp.rm(destination, { force: true });
    throw new AgentError('HASH_MISMATCH', { file: path.basename(destination) }, 'copy from staging to the install volume differs');
  }
  await fsp.rm(source, { force: true });
}

function mapApplyError(error: unknown, input: MirrorApplyInput, file: string): AgentError {
  if (error instanceof AgentError) return error;
  if (isNodeError(error, 'EACCES', 'EPERM', 'EROFS')) return new AgentError('LOCAL_NOT_WRITABLE', { dir: input.installDir }, error);
  if (isNodeError(error, 'ENOSPC', 'EDQUOT')) return new AgentError('DISK_FULL', { dir: input.installDir, needed: formatBytes(input.plan.bytesChanged) }, error);
  return new AgentError('APPLY_FAILED', { file, from: input.from ?? '?' }, error);
}
