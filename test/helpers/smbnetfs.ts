import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface SmbnetfsMount {
  /** The FUSE mount point. */
  root: string;
  /** Plain path through the mount to `\\host:port\share\dir` (how Windows reads a UNC path, here via FUSE). */
  pathTo(share: string, dir?: string): string;
  pid: number;
  unmount(): Promise<void>;
}

export interface SmbnetfsOptions {
  host: string;
  port: number;
  workgroup: string;
  user: string;
  password: string;
  /** Allow NT1 in the client (needed for an SMB1-only server; otherwise EIO after ~4 s). */
  smb1?: boolean;
  /** smbnetfs's own timeout for SMB calls (ms). */
  smbTimeoutMs?: number;
}

/**
 * Mounts Samba with Debian's smbnetfs (FUSE, a real SMB client: libsmbclient), so plain Node fs reads
 * a real SMB server: the way the native transport reads `\\server\share` on Windows. Each mount gets
 * its own HOME with a private smbnetfs.conf (600, or smbnetfs ignores the auth line).
 */
export async function mountSmbnetfs(options: SmbnetfsOptions): Promise<SmbnetfsMount> {
  const home = await fsp.mkdtemp(path.join(os.tmpdir(), 'smbnetfs-home-'));
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'smbnetfs-mnt-'));
  await fsp.mkdir(path.join(home, '.smb'), { mode: 0o700 });
  await fsp.writeFile(
    path.join(home, '.smb', 'smbnetfs.conf'),
    [`auth "${options.host}" "${options.workgroup}/${options.user}" "${options.password}"`, `smb_timeout ${options.smbTimeoutMs ?? 5000}`, `log_file "${path.join(home, 'smbnetfs.log')}"`, ''].join('\n'),
    { mode: 0o600 },
  );
  await fsp.writeFile(path.join(home, '.smb', 'smb.conf'), `[global]\nclient min protocol = ${options.smb1 ? 'NT1' : 'SMB2_02'}\n`);
  const child: ChildProcess = spawn('smbnetfs', [root, '-f', '-o', 'allow_other'], { env: { ...process.env, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  const pathTo = (share: string, dir = '') => path.join(root, `${options.host}:${options.port}`, share, ...dir.split('/').filter(Boolean));
  // Ready when the mount answers a lookup of the share root.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`smbnetfs exited: ${output}`);
    const mounted = spawnSync('mountpoint', ['-q', root]).status === 0;
    if (mounted) break;
    if (Date.now() > deadline) throw new Error(`smbnetfs did not mount ${root}: ${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  let stopped = false;
  return {
    root,
    pathTo,
    pid: child.pid!,
    async unmount() {
      if (stopped) return;
      stopped = true;
      spawnSync('fusermount', ['-u', '-z', root]);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await fsp.rm(root, { recursive: true, force: true }).catch(() => {});
      await fsp.rm(home, { recursive: true, force: true });
    },
  };
}
