import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { AgentError, toAgentError } from '../errors/agent-error';
import type { Logger } from '../logger';
import type { ShareClient } from '../share/share-client';
import { DIR_MODE, FILE_MODE, isNodeError, localPath, renameWithRetry } from '../util/fs-atomic';
import { formatBytes } from '../util/format';
import { sleep } from '../util/timeout';
import { faultPoint } from '../util/fault-injection';
import type { HashCache } from './hash-cache';
import type { ReleaseFile } from './manifest';
import { PART_SUFFIX, type SyncPlan } from './plan';
import { TRANSIENT_SHARE_ERRORS } from './share-retry';
import { ProgressTracker, type TransferProgress } from './progress';

export interface DownloadOptions {
  share: ShareClient;
  plan: SyncPlan;
  stagingDir: string;
  stagingCache: HashCache;
  concurrency: number;
  /** Further attempts per file after a transient share failure; each resumes where the last stopped. */
  retries: number;
  retryBackoffMs: number;
  logger: Logger;
  onProgress: (progress: TransferProgress) => void;
  signal?: AbortSignal;
}

export interface DownloadResult {
  /** File bytes read from the share (what crossed the network). */
  bytesMoved: number;
  filesDownloaded: number;
}


/**
 * Downloads the plan's files into staging: `<file>.his-part` first, then sha256 (or size in listing
 * mode) verified and renamed to its final name; all of them are fsynced before the function returns. Interrupted downloads resume from the
 * partial file's length. Nothing that failed verification keeps its final name.
 */
export async function downloadPlan(options: DownloadOptions): Promise<DownloadResult> {
  const downloads = options.plan.actions.filter((a): a is Extract<typeof a, { kind: 'download' }> => a.kind === 'download');
  const createdDirs = new Set<string>();
  const tracker = new ProgressTracker(options.plan.bytesToDownload, downloads.length, options.onProgress);
  const result: DownloadResult = { bytesMoved: 0, filesDownloaded: 0 };
  await ensureFreeSpace(options.stagingDir, options.plan.bytesToDownload);

  const abort = new AbortController();
  const onOuterAbort = () => abort.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let next = 0;
  let firstError: unknown;
  const worker = async (finished: string[]) => {
    while (!abort.signal.aborted) {
      const action = downloads[next++];
      if (!action) return;
      try {
        await downloadOne(action.file, action.offset, createdDirs, options, tracker, result, abort.signal);
        finished.push(action.file.path);
        result.filesDownloaded += 1;
        tracker.fileDone();
      } catch (error) {
        if (firstError === undefined) firstError = error;
        abort.abort(error);
        return;
      }
    }
  };
  const finished: string[] = [];
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, downloads.length)) }, () => worker(finished)));
    // Durable before anything trusts them: one parallel fsync pass is far cheaper than one per file,
    // and the hash cache (which lets later runs skip re-hashing) is saved only after it.
    if (firstError === undefined) await syncFiles(finished.map((rel) => localPath(options.stagingDir, rel)));
  } catch (error) {
    firstError ??= error;
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
    if (firstError === undefined) await options.stagingCache.save().catch(() => {});
  }
  if (firstError !== undefined) throw mapLocalError(firstError, options);
  if (options.signal?.aborted) throw new AgentError('CANCELLED');
  tracker.finish();
  return result;
}

async function downloadOne(
  file: ReleaseFile,
  plannedOffset: number,
  createdDirs: Set<string>,
  options: DownloadOptions,
  tracker: ProgressTracker,
  result: DownloadResult,
  signal: AbortSignal,
): Promise<void> {
  const finalPath = localPath(options.stagingDir, file.path);
  const partPath = finalPath + PART_SUFFIX;
  await ensureDir(path.dirname(finalPath), createdDirs);
  tracker.fileStarted(file.path);
  let restartedFromZero = false;
  for (let attempt = 0; ; attempt++) {
    // The plan measured the partial file just now; later attempts measure what the last one left.
    const offset = attempt === 0 ? plannedOffset : await currentPartSize(partPath, file.size);
    try {
      const sha256 = await transfer(file, partPath, offset, options.share, tracker, result, signal);
      if (file.sha256 && sha256 !== file.sha256) {
        await fsp.rm(partPath, { force: true });
        // A resumed file can carry a torn tail from a power loss: one clean retry from byte 0.
        if (offset > 0 && !restartedFromZero) {
          restartedFromZero = true;
          options.logger.warn(`hash mismatch after resume, downloading ${file.path} again from the start`);
          continue;
        }
        throw new AgentError('HASH_MISMATCH', { file: file.path }, `expected ${file.sha256}, got ${sha256}`);
      }
      await renameWithRetry(partPath, finalPath);
      if (file.mtimeMs !== undefined) {
        const t = new Date(file.mtimeMs);
        await fsp.utimes(finalPath, t, t);
      }
      await options.stagingCache.rememberFile(file.path, finalPath, sha256);
      return;
    } catch (error) {
      if (signal.aborted) throw signal.reason ?? error;
      const agentError = error instanceof AgentError ? error : null;
      if (agentError && TRANSIENT_SHARE_ERRORS.has(agentError.code) && attempt < options.retries) {
        const wait = options.retryBackoffMs * 2 ** attempt;
        options.logger.warn(`share read failed (${agentError.code}), retry ${attempt + 1}/${options.retries} of ${file.path} in ${wait} ms`, {
          detail: agentError.detail,
        });
        await sleep(wait, signal);
        continue;
      }
      throw error;
    }
  }
}

/** Streams share bytes into the part file from `offset`; returns the sha256 of the whole file. */
async function transfer(
  file: ReleaseFile,
  partPath: string,
  offset: number,
  share: ShareClient,
  tracker: ProgressTracker,
  result: DownloadResult,
  signal: AbortSignal,
): Promise<string> {
  if (share.fetchToFile) {
    const copied = await share.fetchToFile(file.path, partPath, {
      start: offset,
      // One byte past the manifest size, so a file that grew on the share is caught, not silently cut.
      limit: file.size + 1,
      signal,
      onBytes: (count) => {
        result.bytesMoved += count;
        tracker.bytes(count);
        faultPoint('download-chunk');
      },
    });
    if (copied.size !== file.size) {
      throw new AgentError('SIZE_MISMATCH', { file: file.path, expected: file.size, actual: copied.size > file.size ? `> ${file.size}` : copied.size }, 'the share file differs in size from the manifest');
    }
    return copied.sha256;
  }
  const hash = crypto.createHash('sha256');
  if (offset > 0) await hashPrefix(partPath, offset, hash);
  const handle = await fsp.open(partPath, offset > 0 ? 'r+' : 'w', FILE_MODE);
  let position = offset;
  try {
    if (offset < file.size || file.size === 0) {
      // One byte past the manifest size, so a file that grew on the share is caught, not silently cut.
      const stream = await share.createReadStream(file.path, { start: offset, end: file.size + 1, signal });
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        if (position + chunk.length > file.size) {
          stream.destroy();
          throw new AgentError('SIZE_MISMATCH', { file: file.path, expected: file.size, actual: `> ${file.size}` }, 'the share file is larger than the manifest says');
        }
        hash.update(chunk);
        let written = 0;
        while (written < chunk.length) {
          const { bytesWritten } = await handle.write(chunk, written, chunk.length - written, position + written);
          written += bytesWritten;
        }
        position += chunk.length;
        result.bytesMoved += chunk.length;
        tracker.bytes(chunk.length);
        faultPoint('download-chunk');
      }
    }
    if (position !== file.size) {
      throw new AgentError('SIZE_MISMATCH', { file: file.path, expected: file.size, actual: position }, 'the share file is shorter than the manifest says');
    }
    await handle.truncate(position);
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

async function syncFiles(files: string[]): Promise<void> {
  let next = 0;
  const one = async () => {
    for (let file = files[next++]; file !== undefined; file = files[next++]) {
      const handle = await fsp.open(file, 'r+');
      try {
        await handle.datasync();
      } finally {
        await handle.close();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, files.length) }, one));
}

async function hashPrefix(file: string, length: number, hash: crypto.Hash): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const stream = fs.createReadStream(file, { start: 0, end: length - 1, highWaterMark: 1024 * 1024 });
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('error', reject);
    stream.on('end', resolve);
  });
}

/** mkdir -p once per folder per run: 2,000 files in 7 folders need 7 calls, not 2,000. */
async function ensureDir(dir: string, created: Set<string>): Promise<void> {
  if (created.has(dir)) return;
  await fsp.mkdir(dir, { recursive: true, mode: DIR_MODE });
  created.add(dir);
}

async function currentPartSize(partPath: string, expected: number): Promise<number> {
  try {
    const st = await fsp.stat(partPath);
    if (st.size <= expected) return st.size;
    await fsp.rm(partPath, { force: true });
  } catch {
    // no partial file yet
  }
  return 0;
}

/** Refuses early when staging cannot hold the download (statfs exists on Node >= 18.15). */
async function ensureFreeSpace(dir: string, bytesNeeded: number): Promise<void> {
  if (bytesNeeded === 0) return;
  await fsp.mkdir(dir, { recursive: true, mode: DIR_MODE }).catch((error: unknown) => {
    throw mapLocalError(error, { stagingDir: dir, plan: { bytesToDownload: bytesNeeded } });
  });
  try {
    const stats = await fsp.statfs(dir);
    const free = stats.bavail * stats.bsize;
    if (free < bytesNeeded) {
      throw new AgentError('DISK_FULL', { dir, needed: formatBytes(bytesNeeded) }, `free ${free} bytes, need ${bytesNeeded}`);
    }
  } catch (error) {
    if (error instanceof AgentError) throw error;
    // statfs unsupported: the write itself will report ENOSPC.
  }
}

function mapLocalError(error: unknown, options: { stagingDir: string; plan: { bytesToDownload: number } }): AgentError {
  if (error instanceof AgentError) return error;
  if (isNodeError(error, 'ENOSPC', 'EDQUOT')) {
    return new AgentError('DISK_FULL', { dir: options.stagingDir, needed: formatBytes(options.plan.bytesToDownload) }, error);
  }
  if (isNodeError(error, 'EACCES', 'EPERM', 'EROFS')) return new AgentError('STAGING_NOT_WRITABLE', { dir: options.stagingDir }, error);
  if ((error as Error)?.name === 'AbortError') return new AgentError('CANCELLED', {}, error);
  return toAgentError(error, 'INTERNAL_ERROR', { where: 'download' });
}
