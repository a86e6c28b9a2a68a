import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AgentError } from './errors/agent-error';
import { DIR_MODE, isNodeError } from './util/fs-atomic';

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  owner: string;
}

export interface RunLock {
  release(): Promise<void>;
}

/**
 * One run at a time per machine, whoever starts it (tray, CLI, scheduled task). The lock is a file
 * created exclusively; a lock whose process is gone (crash, power loss) is taken over.
 */
export async function acquireRunLock(stateDir: string, owner: string): Promise<RunLock> {
  const file = path.join(stateDir, 'agent.lock');
  try {
    await fsp.mkdir(stateDir, { recursive: true, mode: DIR_MODE });
  } catch (error) {
    throw new AgentError('STATE_DIR_NOT_WRITABLE', { dir: stateDir }, error);
  }
  const info: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), owner };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fsp.writeFile(file, JSON.stringify(info), { flag: 'wx', mode: 0o644 });
      return {
        async release() {
          const current = await readLock(file);
          if (current?.pid === process.pid) await fsp.rm(file, { force: true });
        },
      };
    } catch (error) {
      if (!isNodeError(error, 'EEXIST')) throw new AgentError('STATE_DIR_NOT_WRITABLE', { dir: stateDir }, error);
    }
    const holder = await readLock(file);
    if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
      throw new AgentError('LOCK_HELD', { pid: holder.pid, since: holder.startedAt }, `lock ${file} held by ${holder.owner}`);
    }
    if (!holder && (await isFresh(file))) {
      // Another process created it a moment ago and is still writing its content.
      throw new AgentError('LOCK_HELD', { pid: '?', since: new Date().toISOString() }, `lock ${file} is being written`);
    }
    // Stale (owner gone) or unreadable and old (torn write at power loss): take it over.
    await fsp.rm(file, { force: true });
  }
  throw new AgentError('LOCK_HELD', { pid: '?', since: '?' }, `could not take ${file}`);
}

async function readLock(file: string): Promise<LockInfo | undefined> {
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

async function isFresh(file: string): Promise<boolean> {
  try {
    return Date.now() - (await fsp.stat(file)).mtimeMs < 10_000;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return isNodeError(error, 'EPERM');
  }
}
