import fsp from 'node:fs/promises';
import path from 'node:path';
import { AgentError } from '../errors/agent-error';
import { isNodeError } from '../util/fs-atomic';

/**
 * Proves the current account can create and delete a file in the install folder, before anything
 * is changed. A nurse account without modify rights on D:\his was the seed case's real cause.
 */
export async function assertInstallDirWritable(installDir: string): Promise<void> {
  const probe = path.join(installDir, `.his-update-probe-${process.pid}`);
  try {
    await fsp.mkdir(installDir, { recursive: true });
    await fsp.writeFile(probe, 'probe');
    await fsp.rm(probe, { force: true });
  } catch (error) {
    if (isNodeError(error, 'EACCES', 'EPERM', 'EROFS')) throw new AgentError('LOCAL_NOT_WRITABLE', { dir: installDir }, error);
    if (isNodeError(error, 'ENOSPC')) throw new AgentError('DISK_FULL', { dir: installDir, needed: '?' }, error);
    throw new AgentError('LOCAL_NOT_WRITABLE', { dir: installDir }, error);
  }
}
