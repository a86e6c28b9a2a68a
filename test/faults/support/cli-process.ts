import type { CliJsonResult } from '../../../src/main/cli/output';
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI_PATH, type CliRun } from '../../helpers/cli';

export interface StartedCli {
  child: ChildProcess;
  /** Output so far (the test may wait for a line before it kills). */
  output(): { stdout: string; stderr: string };
  done: Promise<CliRun>;
}

/**
 * Starts the built CLI and hands back the child, for tests that kill it from outside at a chosen moment
 * or watch its output while it runs. `umask` runs it through /bin/sh with that umask first.
 */
export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv; umask?: string; timeoutMs?: number } = {}): StartedCli {
  const env = { ...process.env, ...options.env };
  const child =
    options.umask !== undefined
      ? spawn('/bin/sh', ['-c', `umask ${options.umask} && exec "$0" "$@"`, process.execPath, CLI_PATH, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, [CLI_PATH, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, output: () => ({ stdout, stderr }), done };
}

/** The JSON object `--json` prints (the last line when a crash cut the output short is not wanted: only one line is accepted). */
export function jsonOf<T = Record<string, unknown>>(run: CliRun): T {
  const lines = run.stdout.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 1) throw new Error(`expected one JSON line, got ${lines.length}: ${run.stdout}\nstderr: ${run.stderr.slice(-2000)}`);
  return JSON.parse(lines[0]!) as T;
}

/** The one JSON object `--json` prints (src/main/cli/output.ts). */
export type CliResultJson = CliJsonResult;
