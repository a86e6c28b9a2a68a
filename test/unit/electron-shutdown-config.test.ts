import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/main/core/logger';
import type { PlatformEnv } from '../../src/main/core/config/paths';
import { bootstrapConfig, LAST_GOOD_FILE } from '../../src/main/electron/config-bootstrap';
import { parseShellArgs } from '../../src/main/electron/shell-args';
import { ShutdownGuard } from '../../src/main/electron/shutdown-guard';
import type { RunState } from '../../src/shared/api-types';

function guardWith(initiallyRunning: boolean) {
  let running = initiallyRunning;
  let finish: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  const log: string[] = [];
  const guard = new ShutdownGuard({
    isRunning: () => running,
    cancelRun: () => log.push('cancel'),
    runEnded: () => ended,
    logger: silentLogger,
  });
  const state = (s: RunState) => guard.onEvent({ type: 'state', appId: 'nurse', state: s, from: null, to: null });
  return {
    guard,
    log,
    state,
    end: () => {
      running = false;
      finish();
    },
  };
}

describe('ShutdownGuard', () => {
  it('nothing running: Windows may end the session at once; afterwards no run may start', () => {
    const g = guardWith(false);
    expect(g.guard.refusal()).toBeNull();
    expect(g.guard.onQuerySessionEnd(['logoff'], () => g.log.push('quit'))).toBe(false);
    expect(g.guard.ending).toBe(true);
    expect(g.guard.refusal()).toMatchObject({ code: 'SHUTTING_DOWN', detail: 'logoff' });
    expect(g.log).toEqual([]);
  });

  it('a download in progress is cancelled and does not hold up Windows', () => {
    const g = guardWith(true);
    g.state('downloading');
    expect(g.guard.onQuerySessionEnd(['shutdown'], () => g.log.push('quit'))).toBe(false);
    expect(g.log).toEqual(['cancel']);
  });

  it('an apply in progress delays the session end; the app quits when the run is over', async () => {
    const g = guardWith(true);
    g.state('applying');
    expect(g.guard.onQuerySessionEnd(['shutdown', 'critical'], () => g.log.push('quit'))).toBe(true);
    // Windows asks again while we wait: still "wait", but only one quit is scheduled.
    expect(g.guard.onQuerySessionEnd(['shutdown'], () => g.log.push('quit'))).toBe(true);
    expect(g.log).toEqual(['cancel']);
    g.end();
    await new Promise((r) => setTimeout(r, 0));
    expect(g.log).toEqual(['cancel', 'quit']);
  });

  it('quit from the tray waits for the run; a quit with nothing running goes through', async () => {
    const idle = guardWith(false);
    expect(idle.guard.onBeforeQuit(() => idle.log.push('quit'))).toBe(false);

    const busy = guardWith(true);
    busy.state('applying');
    expect(busy.guard.onBeforeQuit(() => busy.log.push('quit'))).toBe(true);
    expect(busy.guard.refusal()).not.toBeNull();
    busy.end();
    await new Promise((r) => setTimeout(r, 0));
    expect(busy.log).toEqual(['cancel', 'quit']);
    expect(busy.guard.onBeforeQuit(() => busy.log.push('again'))).toBe(false);
  });

  it('session-end (no way back) stops new runs', () => {
    const g = guardWith(false);
    g.guard.onSessionEnd(['logoff']);
    expect(g.guard.refusal()?.zh).toContain('注销或关机');
  });
});

describe('parseShellArgs', () => {
  it('reads launch, config, autostart and protect-secret among Chromium switches', () => {
    expect(parseShellArgs(['HisUpdateAgent.exe'])).toEqual({ launch: null, protectSecret: false, config: null, autostart: false });
    expect(parseShellArgs(['HisUpdateAgent.exe', '--allow-file-access-from-files', 'launch', 'nurse', '--original-process-start-time=133'])).toMatchObject({ launch: 'nurse' });
    expect(parseShellArgs(['electron.exe', '.', '--launch=doctor', '--config', 'C:\\cfg.json', '--autostart'])).toEqual({ launch: 'doctor', protectSecret: false, config: 'C:\\cfg.json', autostart: true });
    expect(parseShellArgs(['x', '--protect-secret', '--config=D:\\a.json'])).toMatchObject({ protectSecret: true, config: 'D:\\a.json' });
    expect(parseShellArgs(['x', 'launch', '--autostart'])).toMatchObject({ launch: null, autostart: true });
  });
});

describe('bootstrapConfig', () => {
  const tmps: string[] = [];
  afterEach(async () => {
    for (const dir of tmps.splice(0)) await fsp.rm(dir, { recursive: true, force: true });
  });
  const seed = path.resolve(__dirname, '../../examples/config.seed-case.json');
  async function setup() {
    const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'his-boot-'));
    tmps.push(tmp);
    const platform: PlatformEnv = { platform: 'linux', env: { XDG_STATE_HOME: path.join(tmp, 'state'), XDG_CONFIG_HOME: path.join(tmp, 'cfg') }, homedir: tmp };
    return { dir: tmp, platform, configFile: path.join(tmp, 'ProgramData', 'HisUpdateAgent', 'config.json') };
  }

  it('first run copies the shipped default into place and remembers it as the last good config', async () => {
    const t = await setup();
    const boot = await bootstrapConfig({ configFile: t.configFile, defaultConfig: seed, logger: silentLogger, platform: t.platform });
    expect(boot.configError).toBeNull();
    expect(boot.loaded.file).toBe(t.configFile);
    expect(await fsp.readFile(t.configFile, 'utf8')).toBe(await fsp.readFile(seed, 'utf8'));
    expect(await fsp.readFile(path.join(t.dir, 'state', 'his-update-agent', 'state', LAST_GOOD_FILE), 'utf8')).toBe(await fsp.readFile(seed, 'utf8'));
  });

  it('an existing config is never overwritten by the default', async () => {
    const t = await setup();
    await fsp.mkdir(path.dirname(t.configFile), { recursive: true });
    const own = JSON.parse(await fsp.readFile(seed, 'utf8'));
    own.apps[0].displayName = '本院护士站';
    await fsp.writeFile(t.configFile, JSON.stringify(own));
    const boot = await bootstrapConfig({ configFile: t.configFile, defaultConfig: seed, logger: silentLogger, platform: t.platform });
    expect(boot.loaded.config.apps[0]!.displayName).toBe('本院护士站');
  });

  it('a config broken later falls back to the last good copy and reports the error; none at all throws it', async () => {
    const t = await setup();
    await bootstrapConfig({ configFile: t.configFile, defaultConfig: seed, logger: silentLogger, platform: t.platform });
    await fsp.writeFile(t.configFile, '{ "apps": [ { "id": "nurse", ');
    const boot = await bootstrapConfig({ configFile: t.configFile, defaultConfig: seed, logger: silentLogger, platform: t.platform });
    expect(boot.configError).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(boot.loaded.file).toBe(t.configFile);
    expect(boot.loaded.config.apps[0]!.id).toBe('nurse');

    const fresh = await setup();
    await fsp.mkdir(path.dirname(fresh.configFile), { recursive: true });
    await fsp.writeFile(fresh.configFile, 'not json');
    await expect(bootstrapConfig({ configFile: fresh.configFile, defaultConfig: seed, logger: silentLogger, platform: fresh.platform })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('a config folder that cannot be created for this account: runs from the shipped default directly', async () => {
    const t = await setup();
    // A file where the folder should be makes mkdir fail for root too.
    const blocked = path.join(t.dir, 'blocked', 'config.json');
    await fsp.writeFile(path.join(t.dir, 'blocked'), 'not a folder');
    const boot = await bootstrapConfig({ configFile: blocked, defaultConfig: seed, logger: silentLogger, platform: t.platform });
    expect(boot.loaded.file).toBe(seed);
    expect(boot.configError).toBeNull();
  });
});
