import os from 'node:os';
import path from 'node:path';

export interface PlatformEnv {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  homedir: string;
}

export const currentPlatform = (): PlatformEnv => ({ platform: process.platform, env: process.env, homedir: os.homedir() });

/**
 * Machine-wide folder on Windows (%ProgramData%\HisUpdateAgent, ACL'd by the installer so the nurse
 * account can write state and staging but not the config); per-user XDG folders elsewhere.
 */
export function agentHome(p: PlatformEnv = currentPlatform()): { config: string; state: string } {
  if (p.platform === 'win32') {
    const base = path.win32.join(p.env.ProgramData ?? 'C:\\ProgramData', 'HisUpdateAgent');
    return { config: base, state: base };
  }
  const config = path.join(p.env.XDG_CONFIG_HOME || path.join(p.homedir, '.config'), 'his-update-agent');
  const state = path.join(p.env.XDG_STATE_HOME || path.join(p.homedir, '.local', 'state'), 'his-update-agent');
  return { config, state };
}

export function defaultConfigPath(p: PlatformEnv = currentPlatform()): string {
  const join = p.platform === 'win32' ? path.win32.join : path.join;
  return join(agentHome(p).config, 'config.json');
}

export interface AgentDirs {
  stateDir: string;
  stagingDir: string;
  logDir: string;
}

/** Folders from the config, relative ones resolved against the config file's folder. */
export function resolveAgentDirs(
  configFile: string,
  settings: { stateDir?: string | undefined; stagingDir?: string | undefined; logDir?: string | undefined },
  p: PlatformEnv = currentPlatform(),
): AgentDirs {
  const base = path.dirname(path.resolve(configFile));
  const home = agentHome(p).state;
  const pick = (value: string | undefined, fallback: string) => (value ? path.resolve(base, value) : fallback);
  return {
    stateDir: pick(settings.stateDir, path.join(home, 'state')),
    stagingDir: pick(settings.stagingDir, path.join(home, 'staging')),
    logDir: pick(settings.logDir, path.join(home, 'logs')),
  };
}
