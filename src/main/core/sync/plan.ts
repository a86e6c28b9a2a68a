import fsp from 'node:fs/promises';
import type { Release, ReleaseFile } from './manifest';
import type { HashCache } from './hash-cache';
import { localPath } from '../util/fs-atomic';
import { mapConcurrent } from '../util/concurrency';

/** What must happen to one release file before apply. */
export type FileAction =
  /** Identical in the target folder: nothing to do. */
  | { kind: 'unchanged'; file: ReleaseFile }
  /** Already downloaded and verified in staging by an earlier, interrupted run. */
  | { kind: 'staged'; file: ReleaseFile }
  /** To download from `offset` (> 0 resumes a partial download). */
  | { kind: 'download'; file: ReleaseFile; offset: number };

export interface SyncPlan {
  release: Release;
  actions: FileAction[];
  /** Bytes still to come from the share. */
  bytesToDownload: number;
  /** Bytes of every file that differs from the target folder (what apply will replace). */
  bytesChanged: number;
  filesChanged: number;
}

export interface PlanFolders {
  /** The folder the release must end up matching (install dir for mirror, the local release copy for run-updater). */
  target: string;
  targetCache: HashCache;
  /** Where downloads land; may equal target. */
  staging: string;
  stagingCache: HashCache;
}

export const PART_SUFFIX = '.his-part';

/**
 * Decides per file: unchanged, already staged, or download (from which offset). Reads no share data:
 * only local files, hashed through the caches, so an up-to-date release costs no file bytes.
 */
export async function planSync(release: Release, folders: PlanFolders): Promise<SyncPlan> {
  const sameFolder = folders.target === folders.staging;
  // Each decision is a few stats (and a hash only for files the cache does not know): run many at once.
  const actions = await mapConcurrent(release.files, 16, async (file): Promise<FileAction> => {
    if (await matches(file, folders.target, folders.targetCache)) return { kind: 'unchanged', file };
    if (!sameFolder && (await matches(file, folders.staging, folders.stagingCache))) return { kind: 'staged', file };
    return { kind: 'download', file, offset: await partialOffset(file, folders.staging) };
  });
  let bytesToDownload = 0;
  let bytesChanged = 0;
  for (const action of actions) {
    if (action.kind !== 'unchanged') bytesChanged += action.file.size;
    if (action.kind === 'download') bytesToDownload += action.file.size - action.offset;
  }
  return {
    release,
    actions,
    bytesToDownload,
    bytesChanged,
    filesChanged: actions.filter((a) => a.kind !== 'unchanged').length,
  };
}

async function matches(file: ReleaseFile, root: string, cache: HashCache): Promise<boolean> {
  const full = localPath(root, file.path);
  if (!file.sha256) {
    // Listing mode: robocopy's rule, same size and same modification time.
    try {
      const st = await fsp.stat(full);
      return st.isFile() && st.size === file.size && (file.mtimeMs === undefined || Math.abs(st.mtimeMs - file.mtimeMs) < 2000);
    } catch {
      return false;
    }
  }
  const local = await cache.hash(file.path, full);
  return local !== null && local.size === file.size && local.sha256 === file.sha256;
}

async function partialOffset(file: ReleaseFile, staging: string): Promise<number> {
  try {
    const st = await fsp.stat(localPath(staging, file.path) + PART_SUFFIX);
    return st.size > 0 && st.size <= file.size ? st.size : 0;
  } catch {
    return 0;
  }
}
