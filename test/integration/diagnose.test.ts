import { spawnSync } from 'node:child_process';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { unzipSync, strFromU8 } from 'fflate';
import { parseSingleJson, runCli } from '../helpers/cli';
import { createScenario, type Scenario } from '../helpers/scenario';
import { startSamba, type SambaServer } from '../helpers/samba';
import { openHisDatabase, type HisDatabase } from '../fixtures/tds/his-database';

interface Report {
  appId: string;
  durationMs: number;
  counts: Record<'pass' | 'warn' | 'fail' | 'skip', number>;
  checks: Array<{ id: string; status: string; errorCode: string | null; fixZh: string | null; evidence: string; durationMs: number }>;
}
const SHARE_USER = 'hisupdate';
const SHARE_PASSWORD = 'Share-Secret-4711!';
const check = (report: Report, id: string) => report.checks.find((c) => c.id === id);

let db: HisDatabase;
let samba: SambaServer;
let smb1: SambaServer;
let scenario: Scenario;
const extra: Scenario[] = [];

beforeAll(async () => {
  scenario = await createScenario({
    mode: 'run-updater',
    updaterSource: `if (process.argv.includes('--dry-run')) { console.log('dry run ok'); process.exit(0); }
import('node:fs').then((fs) => fs.cpSync(process.cwd(), process.argv[2], { recursive: true }));`,
  });
  await fsp.chmod(path.dirname(scenario.shareDir), 0o755);
  db = await openHisDatabase('tds');
  await db.run(`CREATE TABLE ${db.tables.versions} (app NVARCHAR(64) NOT NULL PRIMARY KEY, version NVARCHAR(64) NOT NULL);
    INSERT INTO ${db.tables.versions} (app, version) VALUES (N'nurse', N'2.0.0')`);
  const shares = [{ name: 'update', path: path.dirname(scenario.shareDir) }];
  const users = [{ name: SHARE_USER, password: SHARE_PASSWORD }];
  [samba, smb1] = await Promise.all([startSamba({ shares, users }), startSamba({ variant: 'smb1', shares, users })]);
});
afterAll(async () => {
  await Promise.all([samba?.stop(), smb1?.stop(), db?.close(), scenario?.cleanup()]);
});
afterEach(async () => {
  await Promise.all(extra.splice(0).map((s) => s.cleanup()));
});

/** The healthy production shape: version from SQL Server, files over our SMB client, vendor updater. */
async function writeHealthyConfig(s: Scenario, change: (app: Record<string, unknown>, config: Record<string, unknown>) => void = () => {}) {
  await s.writeConfig((config) => {
    const { authentication, ...database } = db.config();
    config.database = { ...database, authentication: { ...authentication } };
    const app = (config.apps as Array<Record<string, unknown>>)[0]!;
    app.versionSource = { type: 'mssql', query: `SELECT version FROM ${db.tables.versions} WHERE app = @app` };
    app.share = { path: '\\\\127.0.0.1\\update\\nurse', transport: 'smb2', port: samba.port, username: SHARE_USER, domain: samba.workgroup, password: { env: 'HIS_TEST_SHARE_PASSWORD' }, timeoutSeconds: 5 };
    app.apply = { mode: 'run-updater', updater: { path: 'auto_update.mjs', args: ['{installDir}'], dryRunArgs: ['--dry-run'] } };
    app.hisProcess = { name: 'nurse.exe' };
    change(app, config);
  });
}

const env = () => ({ HIS_TEST_DB_PASSWORD: db.password, HIS_TEST_SHARE_PASSWORD: SHARE_PASSWORD });
async function diagnose(s: Scenario, options: { uid?: number } = {}): Promise<{ report: Report; code: number | null; stdout: string }> {
  const run = await runCli(['diagnose', '--json', '--config', s.configFile], { env: env(), ...options });
  return { report: parseSingleJson<Report>(run), code: run.code, stdout: run.stdout };
}

describe('his-update diagnose (real Samba, TDS server, processes)', () => {
  it('everything healthy: every check passes, well under 10 s, and the human table prints the total', async () => {
    await writeHealthyConfig(scenario);
    const { report, code } = await diagnose(scenario);
    const notPassed = report.checks.filter((c) => c.status !== 'pass');
    expect(notPassed, JSON.stringify(notPassed, null, 1)).toEqual([]);
    expect(code).toBe(0);
    expect(report.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(['config.valid', 'db.resolve', 'db.tcp', 'db.prelogin', 'db.query', 'share.resolve', 'share.tcp', 'share.dialect', 'share.read', 'local.install-writable', 'local.staging-writable', 'local.disk-space', 'local.his-running', 'updater.present', 'updater.hash', 'updater.dry-run']),
    );
    expect(report.durationMs).toBeLessThan(10_000);
    const human = await runCli(['diagnose', '--config', scenario.configFile], { env: env() });
    expect(human.stdout).toMatch(/合计 \/ total: \d+ 通过 pass, 0 注意 warn, 0 失败 fail, 0 跳过 skip — 用时 \/ took \d+\.\d s/);
  });

  it('an SMB1-only server (Windows Server 2003 class) fails the dialect probe with SHARE_SMB1_ONLY in well under 5 s', async () => {
    await writeHealthyConfig(scenario, (app) => {
      app.share = { ...(app.share as object), port: smb1.port, allowSmb1: false };
    });
    const started = Date.now();
    const { report, code } = await diagnose(scenario);
    const dialect = check(report, 'share.dialect')!;
    expect(dialect).toMatchObject({ status: 'fail', errorCode: 'SHARE_SMB1_ONLY' });
    expect(dialect.evidence).toContain('NT1');
    expect(dialect.fixZh).toContain('只支持 SMB1');
    expect(dialect.durationMs).toBeLessThan(2000);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(code).toBe(1);
  });

  it('database login failure and database down fail their checks while the share checks still run', async () => {
    await writeHealthyConfig(scenario);
    const wrong = await runCli(['diagnose', '--json', '--config', scenario.configFile], { env: { ...env(), HIS_TEST_DB_PASSWORD: 'wrong-password' } });
    const loginReport = parseSingleJson<Report>(wrong);
    expect(check(loginReport, 'db.query')).toMatchObject({ status: 'fail', errorCode: 'DB_LOGIN_FAILED' });
    expect(check(loginReport, 'db.query')!.fixZh).toContain('his_update');
    expect(check(loginReport, 'share.read')!.status).toBe('pass');

    await db.tds!.stopListening();
    try {
      const { report } = await diagnose(scenario);
      expect(check(report, 'db.tcp')).toMatchObject({ status: 'fail', errorCode: 'DB_UNREACHABLE' });
      expect(check(report, 'db.prelogin')!.status).toBe('skip');
      expect(check(report, 'db.query')!.status).toBe('fail');
      expect(check(report, 'share.dialect')!.status).toBe('pass');
      expect(check(report, 'share.read')!.status).toBe('pass');
      expect(check(report, 'updater.hash')!.status).toBe('pass');
    } finally {
      await db.tds!.listen();
    }
  });

  it('an install folder this account cannot write fails with LOCAL_NOT_WRITABLE (run as nobody)', async () => {
    const s = await createScenario({ mode: 'mirror' });
    extra.push(s);
    for (const dir of [s.stateDir, s.stagingDir, path.join(s.root, 'logs')]) {
      await fsp.mkdir(dir, { recursive: true });
      await fsp.chmod(dir, 0o777);
    }
    const { report, code } = await diagnose(s, { uid: 65534 });
    const writable = check(report, 'local.install-writable')!;
    expect(writable).toMatchObject({ status: 'fail', errorCode: 'LOCAL_NOT_WRITABLE' });
    expect(writable.fixZh).toContain(s.installDir);
    expect(check(report, 'share.read')!.status).toBe('pass');
    expect(code).toBe(1);
  });

  it('a missing updater and a changed updater fail the updater checks', async () => {
    const s = await createScenario({ mode: 'run-updater' });
    extra.push(s);
    await s.writeConfig((config) => {
      (config.apps as Array<Record<string, unknown>>)[0]!.apply = { mode: 'run-updater', updater: { path: 'setup/not_there.exe' } };
    });
    expect(check((await diagnose(s)).report, 'updater.present')).toMatchObject({ status: 'fail', errorCode: 'UPDATER_MISSING' });

    await s.writeConfig();
    await fsp.appendFile(path.join(s.shareDir, 'auto_update.mjs'), '\n// changed after publishing\n');
    const { report } = await diagnose(s);
    expect(check(report, 'updater.present')!.status).toBe('pass');
    expect(check(report, 'updater.hash')).toMatchObject({ status: 'fail', errorCode: 'HASH_MISMATCH' });
  });

  it('the support bundle holds logs, redacted config, diagnosis, status and versions, and no secret', async () => {
    await writeHealthyConfig(scenario);
    // A full update through the same production shape first: SQL Server version, our SMB client, updater.
    const update = parseSingleJson<{ ok: boolean; to: string; message: string }>(await runCli(['update', '--json', '--config', scenario.configFile], { env: env() }));
    expect(update, update.message).toMatchObject({ ok: true, to: '2.0.0' });
    const out = path.join(scenario.root, 'bundle.zip');
    const run = await runCli(['bundle', '--json', '--out', out, '--config', scenario.configFile], { env: env() });
    expect(run.code, run.stderr).toBe(0);
    const entries = unzipSync(new Uint8Array(await fsp.readFile(out)));
    expect(Object.keys(entries)).toEqual(expect.arrayContaining(['logs/agent.log', 'config.redacted.json', 'config.effective.json', 'diagnosis.json', 'status.json', 'system.json']));
    const all = Object.values(entries).map((bytes) => strFromU8(bytes)).join('\n');
    expect(all).not.toContain(SHARE_PASSWORD);
    expect(all).not.toContain(db.password);
    expect(all).toContain('HIS_TEST_SHARE_PASSWORD'); // the reference (a name) is kept, the value never
    expect(JSON.parse(strFromU8(entries['status.json']!)).history.length).toBeGreaterThan(0);
    expect(spawnSync('unzip', ['-t', out]).status).toBe(0);
  });
});
