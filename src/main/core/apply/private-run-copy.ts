import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AgentError } from '../errors/agent-error';
import type { Logger } from '../logger';
import { systemCommandRunner, type CommandRunner } from '../platform/command-runner';
import type { Release } from '../sync/manifest';
import { FILE_MODE, localPath } from '../util/fs-atomic';

const RUN_DIR_PREFIX = 'run-';

export interface PrivateRunCopy {
  dir: string;
  remove(): Promise<void>;
}

/**
 * Copies the verified release into a fresh folder only this account can open, hashing the bytes as
 * they are written, so the updater starts from exactly what the manifest describes. The shared staging
 * folder is writable by every account that runs the agent on the PC (any nurse's tray may resume a
 * download), so a staged file checked there can be swapped between the check and the start; a copy
 * the agent wrote itself, in a folder nobody else may enter, cannot.
 */
export async function makePrivateRunCopy(options: {
  releaseDir: string;
  release: Release;
  /** Folder that receives the run-XXXXXX copy (the app's staging folder: same volume, quick). */
  parentDir: string;
  /** The updater's release path: executable in the copy (POSIX). */
  executable: string;
  logger: Logger;
  commands?: CommandRunner;
}): Promise<PrivateRunCopy> {
  await removeLeftoverCopies(options.parentDir);
  // mkdtemp creates the folder with mode 0700 on POSIX; Windows needs an explicit ACL.
  const dir = await fsp.mkdtemp(path.join(options.parentDir, RUN_DIR_PREFIX));
  const remove = () => fsp.rm(dir, { recursive: true, force: true, maxRetries: 3 });
  try {
    if (process.platform === 'win32') await restrictToCurrentUser(dir, options.commands ?? systemCommandRunner, options.logger);
    for (const file of options.release.files) {
      const target = localPath(dir, file.path);
      await fsp.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      // The folder keeps others out; the files keep ordinary modes, which updaters copy into the install.
      const mode = file.path === options.executable ? 0o755 : FILE_MODE;
      const { sha256, size } = await copyHashing(localPath(options.releaseDir, file.path), target, mode);
      if (size !== file.size || (file.sha256 !== undefined && sha256 !== file.sha256)) {
        throw new AgentError('HASH_MISMATCH', { file: file.path }, `the staged copy changed after verification (size ${size}, sha256 ${sha256})`);
      }
    }
    return { dir, remove };
  } catch (error) {
    await remove().catch(() => {});
    throw error;
  }
}

/** Copies of earlier runs a crash left behind. */
async function removeLeftoverCopies(parentDir: string): Promise<void> {
  const entries = await fsp.readdir(parentDir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isDirectory() && entry.name.startsWith(RUN_DIR_PREFIX)) await fsp.rm(path.join(parentDir, entry.name), { recursive: true, force: true, maxRetries: 3 });
  }
}

/** One read of the source: the hash is of the very bytes written to the new file (created here). */
async function copyHashing(source: string, target: string, mode: number): Promise<{ sha256: string; size: number }> {
  const hash = crypto.createHash('sha256');
  let size = 0;
  const out = await fsp.open(target, 'wx', mode);
  try {
    for await (const chunk of fs.createReadStream(source, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
      let written = 0;
      while (written < chunk.length) written += (await out.write(chunk, written, chunk.length - written)).bytesWritten;
    }
  } finally {
    await out.close();
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * Windows: no inherited entries, full control for SYSTEM, Administrators and this account only.
 * Best effort: without icacls the copy is still one nobody else has a handle to, so it goes on.
 */
async function restrictToCurrentUser(dir: string, commands: CommandRunner, logger: Logger): Promise<void> {
  const user = process.env.USERDOMAIN ? `${process.env.USERDOMAIN}\\${os.userInfo().username}` : os.userInfo().username;
  const args = [dir, '/inheritance:r', '/grant:r', '*S-1-5-18:(OI)(CI)F', '/grant:r', '*S-1-5-32-544:(OI)(CI)F', '/grant:r', `${user}:(OI)(CI)F`];
  try {
    const result = await commands.run('icacls', args, { timeoutMs: 15_000 });
    if (result.code !== 0) logger.warn('could not restrict the updater run folder to this account', { dir, code: result.code });
  } catch (error) {
    logger.warn('could not restrict the updater run folder to this account', { dir, error: String(error) });
  }
}
