import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../src/main/core/config/load';
import { agentHome, defaultConfigPath, resolveAgentDirs } from '../../src/main/core/config/paths';
import { DefaultSecretResolver } from '../../src/main/core/config/secrets';
import { redact, redactValue } from '../../src/main/core/config/redact';
import { AgentError } from '../../src/main/core/errors/agent-error';

const REPO = path.resolve(__dirname, '../..');
const minimalApp = {
  id: 'nurse',
  displayName: '护士工作站',
  installDir: 'D:\\his',
  localVersion: { type: 'file', path: 'version.txt' },
  share: { path: '\\\\his-fs\\update\\nurse' },
  apply: { mode: 'mirror' },
};

function configError(value: unknown): AgentError {
  try {
    parseConfigText(JSON.stringify(value), 'C:\\ProgramData\\HisUpdateAgent\\config.json');
  } catch (error) {
    expect(error).toBeInstanceOf(AgentError);
    return error as AgentError;
  }
  throw new Error('config was accepted');
}

describe('config', () => {
  it('fills defaults for a minimal app', () => {
    const config = parseConfigText(JSON.stringify({ apps: [minimalApp] }), 'x.json');
    expect(config.apps[0]!.share.transport).toBe('native');
    expect(config.apps[0]!.versionSource).toEqual({ type: 'manifest' });
    expect(config.schedule).toMatchObject({ checkAtStart: true, intervalMinutes: 60, autoStart: true });
    expect(config.agent.downloadConcurrency).toBe(4);
  });

  it.each([
    [{ apps: [] }, 'apps'],
    [{ apps: [{ ...minimalApp, id: 'bad id!' }] }, 'apps[0].id'],
    [{ apps: [{ ...minimalApp, apply: { mode: 'copy' } }] }, 'apps[0].apply'],
    [{ apps: [{ ...minimalApp, localVersion: { type: 'registry', key: 'SOFTWARE\\x', value: 'v' } }] }, 'apps[0].localVersion.key'],
    [{ apps: [{ ...minimalApp, share: { path: '\\\\h\\s', transport: 'smb2', password: { env: 'X' } } }] }, 'apps[0].share.username'],
    [{ apps: [{ ...minimalApp, share: { path: 'D:\\local', transport: 'smb2' } }] }, 'apps[0].share.path'],
    [{ apps: [{ ...minimalApp, share: { path: '\\\\h\\s', password: 'plain-text' } }] }, 'apps[0].share.password'],
    [{ apps: [{ ...minimalApp, versionSource: { type: 'mssql', query: 'select 1' } }] }, 'database'],
    [{ apps: [minimalApp, { ...minimalApp }] }, 'apps[1].id'],
    [{ apps: [minimalApp], schedule: { window: { start: '25:00', end: '06:00' } } }, 'schedule.window.start'],
    [{ apps: [minimalApp], surprise: true }, '(root)'],
    [{ apps: [{ ...minimalApp, installDir: 42 }] }, 'apps[0].installDir'],
  ])('rejects %j naming %s', (value, key) => {
    const error = configError(value);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.zh).toContain('C:\\ProgramData\\HisUpdateAgent\\config.json');
    expect(error.zh).toContain(key);
    expect(error.en).toContain(key);
  });

  it('says where broken JSON breaks', () => {
    const error = configError(undefined as unknown);
    expect(error.code).toBe('CONFIG_INVALID');
    try {
      parseConfigText('{\n  "apps": [\n    {,\n  ]\n}', 'c.json');
    } catch (e) {
      expect((e as AgentError).zh).toMatch(/line 3/);
    }
  });

  it('reports a missing file as CONFIG_NOT_FOUND with its path', async () => {
    await expect(loadConfig('/nonexistent/his/config.json')).rejects.toMatchObject({ code: 'CONFIG_NOT_FOUND', zh: expect.stringContaining('/nonexistent/his/config.json') });
  });

  it('ships examples that validate', async () => {
    const examples = (await fsp.readdir(path.join(REPO, 'examples'))).filter((f) => f.endsWith('.json'));
    expect(examples).toContain('config.seed-case.json');
    for (const file of examples) {
      const loaded = await loadConfig(path.join(REPO, 'examples', file));
      expect(loaded.config.apps.length, file).toBeGreaterThan(0);
    }
  });

  it('uses ProgramData on Windows and XDG folders elsewhere', () => {
    expect(defaultConfigPath({ platform: 'win32', env: { ProgramData: 'C:\\ProgramData' }, homedir: 'C:\\Users\\nurse' })).toBe('C:\\ProgramData\\HisUpdateAgent\\config.json');
    expect(defaultConfigPath({ platform: 'linux', env: {}, homedir: '/home/it' })).toBe('/home/it/.config/his-update-agent/config.json');
    expect(agentHome({ platform: 'linux', env: { XDG_STATE_HOME: '/var/lib/x' }, homedir: '/h' }).state).toBe('/var/lib/x/his-update-agent');
    const dirs = resolveAgentDirs('/etc/his/config.json', { stateDir: 'state' }, { platform: 'linux', env: {}, homedir: '/h' });
    expect(dirs.stateDir).toBe('/etc/his/state');
    expect(dirs.stagingDir).toBe('/h/.local/state/his-update-agent/staging');
  });
});

describe('secrets', () => {
  it('resolves env references, and every resolved secret is redacted from any text', async () => {
    const resolver = new DefaultSecretResolver({ HIS_DB_PASSWORD: 'S3cret-Pa55!' });
    expect(await resolver.resolve({ env: 'HIS_DB_PASSWORD' })).toBe('S3cret-Pa55!');
    expect(redact('login failed for password S3cret-Pa55! at 10:00')).toBe('login failed for password *** at 10:00');
    expect(redactValue({ nested: ['x S3cret-Pa55! y'], password: 'anything' })).toEqual({ nested: ['x *** y'], password: '***' });
  });

  it('a missing reference is SECRET_MISSING naming the variable, never a value', async () => {
    const resolver = new DefaultSecretResolver({});
    await expect(resolver.resolve({ env: 'HIS_SHARE_PASSWORD' })).rejects.toMatchObject({ code: 'SECRET_MISSING', zh: expect.stringContaining('env:HIS_SHARE_PASSWORD') });
  });

  it('the config refuses plain-text passwords', () => {
    expect(configError({ apps: [minimalApp], database: { server: 'db', database: 'his', authentication: { type: 'sql', user: 'sa', password: 'x' } } }).zh).toContain('database.authentication');
  });

  it('loads from disk relative to the config folder', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cfg-'));
    await fsp.writeFile(path.join(dir, 'config.json'), JSON.stringify({ agent: { stateDir: 'st' }, apps: [minimalApp] }));
    const loaded = await loadConfig(path.join(dir, 'config.json'));
    expect(loaded.dirs.stateDir).toBe(path.join(dir, 'st'));
    await fsp.rm(dir, { recursive: true });
  });
});
