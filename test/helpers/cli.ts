import { spawn } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const CLI_PATH = path.join(REPO_ROOT, 'dist/cli/his-update.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Run as another (unprivileged) user through setpriv, e.g. 65534 = nobody. */
  uid?: number;
}

/** Runs the built CLI as a real child process. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const command = options.uid !== undefined ? 'setpriv' : process.execPath;
  const fullArgs =
    options.uid !== undefined
      ? [`--reuid=${options.uid}`, `--regid=${options.uid}`, '--clear-groups', process.execPath, CLI_PATH, ...args]
      : [CLI_PATH, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, fullArgs, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** `--json` promises exactly one JSON object on stdout. */
export function parseSingleJson<T = Record<string, unknown>>(run: CliRun): T {
  const lines = run.stdout.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 1) throw new Error(`expected one JSON line on stdout, got ${lines.length}:\n${run.stdout}\nstderr:\n${run.stderr}`);
  return JSON.parse(lines[0]!) as T;
}
