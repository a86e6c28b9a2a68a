import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

/**
 * Modes of what the agent creates on POSIX, explicit so that a umask of 000 (a service wrapper, a login
 * script) cannot make state, staging or install files writable by other accounts. Windows ignores them:
 * there the folders' ACLs (set by the installer, docs/hardening.md) decide.
 */
export const DIR_MODE = 0o755;
export const FILE_MODE = 0o644;

/**
 * Writes a file so that a crash or power loss leaves either the old or the new content:
 * temp file in the same folder, fsync, rename over, fsync the folder where the OS allows it.
 */
export async function writeFileAtomic(file: string, data: string | Buffer, mode = 0o600): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true, mode: DIR_MODE });
  const temp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  const handle = await fsp.open(temp, 'w', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await renameWithRetry(temp, file);
  } catch (error) {
    await fsp.rm(temp, { force: true });
    throw error;
  }
  await fsyncDir(path.dirname(file));
}

const TEMP_NAME = /\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * Removes the temp files writeFileAtomic leaves when its process dies between write and rename, in dir
 * and its direct subfolders. A temp whose writer is still running (another agent process) is kept.
 */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  const removed: string[] = [];
  const sweep = async (folder: string, depth: number): Promise<void> => {
    let entries: fs.Dirent[];
    try {
      entries = await fsp.readdir(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (depth === 0) await sweep(full, 1);
        continue;
      }
      const match = TEMP_NAME.exec(entry.name);
      if (!match || processRunning(Number(match[1]))) continue;
      await fsp.rm(full, { force: true });
      removed.push(full);
    }
  };
  await sweep(dir, 0);
  return removed;
}

function processRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Directory fsync makes a rename durable on POSIX; Windows has no such call (NTFS journals it). */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await fsp.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems (FUSE) refuse fsync on folders; the data itself was synced.
  }
}

/**
 * On Windows a rename fails with EPERM/EBUSY while an antivirus scanner briefly holds the file;
 * a few short retries ride that out (the same trick graceful-fs uses).
 */
export async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fsp.rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (process.platform !== 'win32' || attempt >= 5 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw error;
      await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
    }
  }
}

export async function readJsonFile<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text) as T;
}

export async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  await new Promise<void>((resolve, reject) => {
    const stream = fs.createReadStream(file, { highWaterMark: 1024 * 1024 });
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('error', reject);
    stream.on('end', resolve);
  });
  return hash.digest('hex');
}

export async function pathExists(p: string): Promise<boolean> {
  try {
    await fsp.lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** Joins a validated '/'-separated release path under a local root. */
export function localPath(root: string, relPath: string): string {
  return path.join(root, ...relPath.split('/'));
}

export function isNodeError(error: unknown, ...codes: string[]): error is NodeJS.ErrnoException {
  return error instanceof Error && codes.includes((error as NodeJS.ErrnoException).code ?? '');
}
