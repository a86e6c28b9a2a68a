/**
 * A real Samba server on loopback for integration tests and benchmarks.
 *
 *   const samba = await startSamba({
 *     variant: 'default',
 *     shares: [{ name: 'update', path: dir }],
 *     users: [{ name: 'hisupd', password: 'pw' }],
 *   });
 *   // \\127.0.0.1\update on samba.port, workgroup samba.workgroup
 *   await samba.stop();
 *
 * Each server gets its own temp dir (config, lock/state/cache/pid/private/ncalrpc dirs, tdbsam passdb),
 * listens only on 127.0.0.1 on a free port, and is started as `smbd --foreground -s CONF` (its own
 * process group, never --no-process-group) and stopped with SIGTERM by PID. Several servers may run at
 * once, from parallel test files.
 *
 * Requirements: run as root (smbd, and `useradd` for test users that do not exist yet), Debian
 * `samba` installed. Share folders must be readable by the users: the helper adds o+rx to each share
 * folder and its parents below os.tmpdir() (mkdtemp makes 0700 folders); files written with the default
 * umask are readable already.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { unusedPort } from './ports';

const execFileAsync = promisify(execFile);

/**
 * - default: Samba's defaults (SMB 2.0.2 to 3.1.1, signing optional, encryption optional)
 * - signing: `server signing = mandatory`
 * - encrypt: `server smb encrypt = required`
 * - smb1: speaks only NT LM 0.12 (like Windows Server 2003)
 * - smb1-signing: SMB1 only, signing mandatory
 */
export type SambaVariant = 'default' | 'signing' | 'encrypt' | 'smb1' | 'smb1-signing';

export interface SambaShare {
  name: string;
  /** Folder to export; must exist. */
  path: string;
  /** Default true (Samba's own default); false makes the share writeable. */
  readOnly?: boolean;
  /** Allows guest/anonymous access (and turns on `map to guest = Bad User` globally). */
  guestOk?: boolean;
  /** More `key = value` lines for this share, e.g. `aio read size = 1`. */
  extra?: string[];
}

export interface SambaUser {
  /** Unix user name ([a-z_][a-z0-9_-]*); created with useradd (no home, no shell) when missing. */
  name: string;
  password: string;
}

export interface SambaOptions {
  variant?: SambaVariant;
  shares: SambaShare[];
  users?: SambaUser[];
  /** More `[global]` lines, e.g. `server max protocol = SMB2_10`. Later lines win over the variant's. */
  extraGlobal?: string[];
  /** NetBIOS workgroup/domain name, default HISDOM. */
  workgroup?: string;
  /** Milliseconds to wait for the port to answer, default 20 000. */
  startTimeoutMs?: number;
  /** Listen on this port instead of a free one (to start a server again where a stopped one was). */
  port?: number;
}

export interface SambaServer {
  host: '127.0.0.1';
  port: number;
  workgroup: string;
  /** The generated smb.conf (pass to smbclient -s, smbpasswd -c …). */
  confPath: string;
  /** Temp dir holding the config and all of smbd's state; removed by stop(). */
  dir: string;
  /** PID of the main smbd (also its process group id). */
  pid: number;
  /** smbd's output so far (debug level 1), for failure messages. */
  log(): string;
  /**
   * SIGTERM by PID, wait for exit (SIGKILL after 10 s), then the same for connection processes left in
   * its process group, so no client is still served afterwards; removes the temp dir. Safe to call twice.
   */
  stop(): Promise<void>;
}

const VARIANT_LINES: Record<SambaVariant, string[]> = {
  default: [],
  signing: ['server signing = mandatory'],
  encrypt: ['server smb encrypt = required'],
  smb1: ['server min protocol = NT1', 'server max protocol = NT1'],
  'smb1-signing': ['server min protocol = NT1', 'server max protocol = NT1', 'server signing = mandatory'],
};

export async function startSamba(options: SambaOptions): Promise<SambaServer> {
  let lastError: unknown;
  // A free port can be taken between probing and binding by a parallel test: retry with another.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      lastError = error;
      if (!(error instanceof PortTakenError) || options.port !== undefined) throw error;
    }
  }
  throw lastError;
}

class PortTakenError extends Error {}

async function startOnce(options: SambaOptions): Promise<SambaServer> {
  const variant = options.variant ?? 'default';
  const workgroup = options.workgroup ?? 'HISDOM';
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'his-samba-'));
  const sub = (name: string) => path.join(dir, name);
  for (const name of ['lock', 'state', 'cache', 'pid', 'private', 'ncalrpc']) await fs.mkdir(sub(name));
  const port = options.port ?? (await unusedPort());
  const guest = options.shares.some((s) => s.guestOk);

  const global = [
    `workgroup = ${workgroup}`,
    'netbios name = HISFS',
    'server role = standalone server',
    'security = user',
    'interfaces = lo',
    'bind interfaces only = yes',
    `smb ports = ${port}`,
    'disable netbios = yes',
    `lock directory = ${sub('lock')}`,
    `state directory = ${sub('state')}`,
    `cache directory = ${sub('cache')}`,
    `pid directory = ${sub('pid')}`,
    `private dir = ${sub('private')}`,
    `ncalrpc dir = ${sub('ncalrpc')}`,
    `passdb backend = tdbsam:${sub('passdb.tdb')}`,
    'usershare path =',
    'load printers = no',
    'printing = bsd',
    'printcap name = /dev/null',
    'disable spoolss = yes',
    ...(guest ? ['map to guest = Bad User', 'guest account = nobody'] : []),
    ...VARIANT_LINES[variant],
    ...(options.extraGlobal ?? []),
  ];
  const shareBlocks = options.shares.map((share) =>
    [
      `[${share.name}]`,
      `  path = ${share.path}`,
      `  read only = ${share.readOnly === false ? 'no' : 'yes'}`,
      `  guest ok = ${share.guestOk ? 'yes' : 'no'}`,
      ...(share.extra ?? []).map((line) => `  ${line}`),
    ].join('\n'),
  );
  const confPath = sub('smb.conf');
  await fs.writeFile(confPath, `[global]\n${global.map((l) => `  ${l}`).join('\n')}\n\n${shareBlocks.join('\n\n')}\n`);

  for (const share of options.shares) await makeTraversable(share.path);
  for (const user of options.users ?? []) await addUser(confPath, user);

  const child = spawn('smbd', ['--foreground', '-s', confPath, '--debug-stdout', '-d1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('error', (error) => {
    output += `\nspawn error: ${error.message}`;
  });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopProcess(child, exited);
    await fs.rm(dir, { recursive: true, force: true });
  };

  try {
    await waitForPort(port, child, exited, options.startTimeoutMs ?? 20_000, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { host: '127.0.0.1', port, workgroup, confPath, dir, pid: child.pid!, log: () => output, stop };
}


async function waitForPort(port: number, child: ChildProcess, exited: Promise<number | null>, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined || child.exitCode !== null) {
      const text = log();
      if (/Address already in use|bind failed/i.test(text)) throw new PortTakenError(`smbd could not bind port ${port}`);
      throw new Error(`smbd exited (code ${exitCode ?? child.exitCode}) before listening on ${port}:\n${text.slice(-4000)}`);
    }
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`smbd did not listen on 127.0.0.1:${port} within ${timeoutMs} ms:\n${log().slice(-4000)}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function stopProcess(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000).unref());
  if ((await Promise.race([exited, timer])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
  // Connection children share smbd's process group (pgid = pid) and may outlive the parent, still
  // serving their client: end them too, and wait until none is left (SIGKILL after 5 s).
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while ((await liveGroupMembers(pid)) > 0) {
    if (Date.now() > deadline) {
      signalGroup(pid, 'SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* group already gone */
  }
}

/** Processes of a process group that are still running (zombies left to init do not count). */
async function liveGroupMembers(pgid: number): Promise<number> {
  let count = 0;
  for (const entry of await fs.readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid pgrp …; comm may hold spaces, so parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] !== 'Z' && Number(fields[2]) === pgid) count++;
  }
  return count;
}

/** smbd checks the user's Unix permissions: give o+rx on the share folder and its parents below tmpdir. */
async function makeTraversable(sharePath: string): Promise<void> {
  const root = path.resolve(os.tmpdir());
  let current = path.resolve(sharePath);
  for (;;) {
    const st = await fs.stat(current);
    await fs.chmod(current, (st.mode & 0o7777) | 0o005);
    const parent = path.dirname(current);
    if (parent === current || parent === root || !parent.startsWith(root + path.sep)) break;
    current = parent;
  }
}

async function addUser(confPath: string, user: SambaUser): Promise<void> {
  if (!/^[a-z_][a-z0-9_-]{0,30}$/.test(user.name)) throw new Error(`invalid test user name ${user.name}`);
  await ensureUnixUser(user.name);
  await new Promise<void>((resolve, reject) => {
    const child = spawn('smbpasswd', ['-c', confPath, '-s', '-a', user.name], { stdio: ['pipe', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.stderr.on('data', (c: Buffer) => (text += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`smbpasswd -a ${user.name} failed (${code}): ${text}`))));
    child.stdin.end(`${user.password}\n${user.password}\n`);
  });
}

/** Test users need a Unix account; parallel test files may race to create the same one. */
async function ensureUnixUser(name: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await execFileAsync('id', ['-u', name]);
      return;
    } catch {
      /* not there yet */
    }
    try {
      await execFileAsync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', name]);
      return;
    } catch (error) {
      const text = String((error as { stderr?: string }).stderr ?? error);
      if (/already exists/.test(text)) return;
      // "cannot lock /etc/passwd": another useradd is running; try again shortly.
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  throw new Error(`could not create Unix user ${name}`);
}
