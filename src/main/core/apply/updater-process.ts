import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { decodeConsoleOutput } from '../platform/command-runner';
import type { Logger } from '../logger';

export interface UpdaterProcessInput {
  executable: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  logger: Logger;
}

export interface UpdaterProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  durationMs: number;
  /** Last few KB of stdout+stderr, kept as raw detail for IT. */
  outputTail: string;
}

const TAIL_BYTES = 4096;

/** How each kind of updater is started; .js runs on the agent's own runtime (node or electron as node). */
export function commandFor(executable: string, args: string[]): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  const ext = path.extname(executable).toLowerCase();
  switch (ext) {
    case '.cmd':
    case '.bat':
      return { command: process.env.ComSpec ?? 'cmd.exe', args: ['/d', '/s', '/c', executable, ...args], env: {} };
    case '.ps1':
      return { command: 'powershell.exe', args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', executable, ...args], env: {} };
    case '.js':
    case '.mjs':
    case '.cjs':
      return { command: process.execPath, args: [executable, ...args], env: { ELECTRON_RUN_AS_NODE: '1' } };
    case '.sh':
      return { command: '/bin/sh', args: [executable, ...args], env: {} };
    default:
      return { command: executable, args, env: {} };
  }
}

/**
 * Runs the vendor updater from its local copy with the local folder as working directory, logs its
 * output line by line, and kills the whole process tree when it overruns the timeout.
 */
export function runUpdaterProcess(input: UpdaterProcessInput): Promise<UpdaterProcessResult> {
  const started = Date.now();
  const { command, args, env } = commandFor(input.executable, input.args);
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(command, args, {
        cwd: input.cwd,
        env: { ...input.env, ...env },
        windowsHide: true,
        // Own process group on POSIX, so the timeout can kill the updater's children too.
        detached: process.platform !== 'win32',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      reject(error);
      return;
    }
    let tail = Buffer.alloc(0);
    const collect = (stream: 'stdout' | 'stderr') => {
      let pending = Buffer.alloc(0);
      child[stream]?.on('data', (chunk: Buffer) => {
        tail = Buffer.concat([tail, chunk]).subarray(-TAIL_BYTES);
        pending = Buffer.concat([pending, chunk]);
        let newline: number;
        while ((newline = pending.indexOf(0x0a)) >= 0) {
          const line = decodeConsoleOutput(pending.subarray(0, newline)).replace(/\r$/, '');
          pending = pending.subarray(newline + 1);
          if (line.trim()) input.logger.info(`[updater ${stream}] ${line}`);
        }
      });
    };
    collect('stdout');
    collect('stderr');
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      input.logger.warn(`updater overran ${input.timeoutMs} ms, killing its process tree (pid ${child.pid})`);
      killTree(child);
    }, input.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      // Leftover children of a timed-out updater share its group: make sure none survives it.
      if (timedOut) killTree(child);
      resolve({
        exitCode: code,
        signal,
        timedOut,
        durationMs: Date.now() - started,
        outputTail: decodeConsoleOutput(tail),
      });
    });
  });
}

export function killTree(child: ChildProcess): void {
  if (child.pid === undefined) return;
  if (process.platform === 'win32') {
    // /T takes the children, /F does not ask. Job objects would be stricter but are not reachable from Node.
    spawn('taskkill', ['/PID', String(child.pid), '/T', '/F'], { windowsHide: true, stdio: 'ignore' }).on('error', () => {});
    return;
  }
  // Children that left the process group (setsid, a detached spawn) are still found by their parent link;
  // stopped first, so none can fork a new one between the walk and the kill.
  const descendants = descendantsOf(child.pid);
  for (const pid of descendants) signal(pid, 'SIGSTOP');
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
  for (const pid of descendants) signal(pid, 'SIGKILL');
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** Every live descendant of pid, from /proc parent links (Linux); [] where /proc is absent. */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // exited while we looked
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const pid of children.get(queue.shift()!) ?? []) {
      out.push(pid);
      queue.push(pid);
    }
  }
  return out;
}
