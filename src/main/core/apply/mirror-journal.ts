import fsp from 'node:fs/promises';
import path from 'node:path';
import { DIR_MODE, localPath, pathExists, readJsonFile, renameWithRetry, writeFileAtomic } from '../util/fs-atomic';

/** Folder inside the install dir where an apply prepares, backs up and journals (same volume: renames are atomic). */
export const WORK_DIR_NAME = '.his-update-apply';

export interface JournalOp {
  path: string;
  /** replace: old file exists and is swapped; add: new file; delete: old file removed. */
  kind: 'replace' | 'add' | 'delete';
}

export interface Journal {
  format: 1;
  appId: string;
  from: string | null;
  to: string;
  /** swapping: renames may be half done, roll back. committed: all new, only cleanup left. */
  state: 'swapping' | 'committed';
  ops: JournalOp[];
  /** Every file of the new release, recorded as the applied release once committed. */
  releaseFiles: string[];
}

export interface WorkDirs {
  root: string;
  incoming: string;
  backup: string;
  journal: string;
}

export function workDirs(installDir: string): WorkDirs {
  const root = path.join(installDir, WORK_DIR_NAME);
  return { root, incoming: path.join(root, 'new'), backup: path.join(root, 'backup'), journal: path.join(root, 'journal.json') };
}

export async function writeJournal(dirs: WorkDirs, journal: Journal): Promise<void> {
  await writeFileAtomic(dirs.journal, JSON.stringify(journal));
}

export async function readJournal(dirs: WorkDirs): Promise<Journal | undefined> {
  try {
    return await readJsonFile<Journal>(dirs.journal);
  } catch {
    // A torn journal can only come from a crash while writing it, before any rename: nothing to undo.
    return undefined;
  }
}

/**
 * Swaps one op in: old file to backup (if any), then new file into place. Each step is a single
 * rename, so at every instant each file is either wholly old or wholly new.
 */
export async function swapIn(installDir: string, dirs: WorkDirs, op: JournalOp): Promise<void> {
  const target = localPath(installDir, op.path);
  if (op.kind !== 'add') {
    const backup = localPath(dirs.backup, op.path);
    await fsp.mkdir(path.dirname(backup), { recursive: true, mode: DIR_MODE });
    if (await pathExists(target)) await renameWithRetry(target, backup);
  }
  if (op.kind !== 'delete') {
    await fsp.mkdir(path.dirname(target), { recursive: true, mode: DIR_MODE });
    await renameWithRetry(localPath(dirs.incoming, op.path), target);
  }
}

/**
 * Undoes whatever part of the ops was done, newest first. Idempotent: it reads the file system to
 * see how far each op got, so it is safe after a crash at any point, including during a rollback.
 */
export async function rollBack(installDir: string, dirs: WorkDirs, ops: readonly JournalOp[]): Promise<void> {
  for (const op of [...ops].reverse()) {
    const target = localPath(installDir, op.path);
    const backup = localPath(dirs.backup, op.path);
    // The new file is in place when it is no longer waiting in incoming but the target exists.
    const newInPlace = op.kind !== 'delete' && !(await pathExists(localPath(dirs.incoming, op.path))) && (await pathExists(target));
    if (newInPlace) await fsp.rm(target, { force: true });
    if (await pathExists(backup)) await renameWithRetry(backup, target);
  }
}

export async function removeWorkDir(dirs: WorkDirs): Promise<void> {
  await fsp.rm(dirs.root, { recursive: true, force: true, maxRetries: 3 });
}
