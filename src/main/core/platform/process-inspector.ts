import { spawn } from 'node:child_process';
import path from 'node:path';
import { decodeConsoleOutput, systemCommandRunner, type CommandRunner } from './command-runner';

/** Finds and starts HIS processes. tasklist on Windows, ps elsewhere; tests use real processes. */
export interface ProcessInspector {
  isRunning(imageName: string): Promise<boolean>;
}

export function createProcessInspector(commands: CommandRunner = systemCommandRunner, platform = process.platform): ProcessInspector {
  return {
    async isRunning(imageName) {
      if (platform === 'win32') {
        const result = await commands.run('tasklist', ['/FI', `IMAGENAME eq ${imageName}`, '/FO', 'CSV', '/NH'], { timeoutMs: 15_000 });
        return parseTasklistCsv(decodeConsoleOutput(result.stdout)).some((name) => name.toLowerCase() === imageName.toLowerCase());
      }
      const result = await commands.run('ps', ['-A', '-o', 'comm='], { timeoutMs: 15_000 });
      // Linux truncates comm to 15 characters.
      const wanted = imageName.toLowerCase().slice(0, 15);
      return result.stdout
        .toString('utf8')
        .split('\n')
        .some((line) => path.basename(line.trim()).toLowerCase() === wanted);
    },
  };
}

/** `"nurse.exe","4242","Console","1","85,120 K"` lines → image names; the "no tasks" notice has no quotes. */
export function parseTasklistCsv(output: string): string[] {
  return output
    .split(/\r?\n/)
    .map((line) => /^"([^"]+)"/.exec(line.trim())?.[1])
    .filter((name): name is string => name !== undefined);
}

/** Starts the HIS detached from the agent, in its install folder, so closing the agent leaves it running. */
export function launchDetached(executable: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, { cwd, detached: true, stdio: 'ignore', windowsHide: false });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve(child.pid ?? 0);
    });
  });
}
