import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { parseSingleJson, runCli } from '../helpers/cli';
import { createScenario, installState, type Scenario } from '../helpers/scenario';
import { openHisDatabase, type HisDatabase } from '../fixtures/tds/his-database';

interface UpdateJson { ok: boolean; app: string; from: string | null; to: string | null; bytes: number; errorCode: string | null; message: string; outcome: string }

/** The seed's setup end to end: the real CLI asks the TDS test server which version nurse.exe should run. */
describe('check → update with the version from SQL Server (real CLI, TDS test server)', () => {
  let db: HisDatabase;
  let s: Scenario;
  const env = () => ({ HIS_TEST_DB_PASSWORD: db.password });
  const cli = async (command: 'check' | 'update') => {
    const run = await runCli([command, '--json', '--config', s.configFile], { env: env() });
    return { run, out: parseSingleJson<UpdateJson>(run) };
  };
  const setVersion = (version: string, sharePath: string | null = null) =>
    db.run(`UPDATE ${db.tables.versions} SET version = N'${version}', share_path = ${sharePath ? `N'${sharePath}'` : 'NULL'} WHERE app = N'nurse'`);

  beforeAll(async () => {
    db = await openHisDatabase('tds');
    await db.run(`CREATE TABLE ${db.tables.versions} (app NVARCHAR(64) NOT NULL PRIMARY KEY, version NVARCHAR(64) NOT NULL, share_path NVARCHAR(260) NULL, mandatory BIT NULL);
      INSERT INTO ${db.tables.versions} (app, version, mandatory) VALUES (N'nurse', N'2.0.0', 1)`);
  });
  beforeEach(async () => {
    await s?.cleanup();
    s = await createScenario({ mode: 'mirror' });
    await s.writeConfig((config) => {
      config.database = db.config();
      const app = (config.apps as Array<Record<string, unknown>>)[0]!;
      app.versionSource = { type: 'mssql', query: `SELECT version, share_path, mandatory FROM ${db.tables.versions} WHERE app = @app` };
    });
    await setVersion('2.0.0');
  });
  afterAll(async () => {
    await s?.cleanup();
    await db?.close();
  });

  test('the database says 2.0.0: check sees it, update installs it, the query got this PC\'s values', async () => {
    const mark = db.tds!.requests.length;
    const check = await cli('check');
    expect(check.out).toMatchObject({ ok: true, from: '1.0.0', to: '2.0.0', errorCode: null });
    const update = await cli('update');
    expect(update.run.code, update.run.stderr).toBe(0);
    expect(update.out).toMatchObject({ ok: true, from: '1.0.0', to: '2.0.0', outcome: 'updated', errorCode: null });
    expect(await installState(s)).toBe('new');
    const asked = db.tds!.requests.slice(mark).filter((r) => r.sql.includes(db.tables.versions));
    expect(asked[0]!.params).toMatchObject({ '@app': 'nurse', '@machine': os.hostname(), '@currentversion': '1.0.0' });
    expect((await cli('check')).out).toMatchObject({ ok: true, from: '2.0.0', to: '2.0.0', outcome: 'up-to-date', bytes: 0 });
    expect(db.tds!.requests.at(-1)!.params['@currentversion']).toBe('2.0.0');
  });

  test('share_path from the database overrides the configured share', async () => {
    const moved = path.join(s.root, 'moved-share', 'nurse');
    await fsp.cp(s.shareDir, moved, { recursive: true });
    await fsp.rm(s.shareDir, { recursive: true });
    await setVersion('2.0.0', moved);
    const update = await cli('update');
    expect(update.out).toMatchObject({ ok: true, to: '2.0.0', outcome: 'updated' });
    expect(await installState(s)).toBe('new');
  });

  test('the database asks for a version the share does not hold: VERSION_SOURCE_MISMATCH, install untouched', async () => {
    await setVersion('2.1.0');
    const update = await cli('update');
    expect(update.out).toMatchObject({ ok: false, errorCode: 'VERSION_SOURCE_MISMATCH' });
    expect(update.out.message).toContain('2.1.0');
    expect(await installState(s)).toBe('old');
  });

  test('database down: the run fails with DB_UNREACHABLE in zh, install untouched', async () => {
    await db.tds!.stopListening();
    try {
      const started = Date.now();
      const update = await cli('update');
      expect(update.out).toMatchObject({ ok: false, errorCode: 'DB_UNREACHABLE' });
      expect(update.out.message).toContain(`127.0.0.1:${db.tds!.port}`);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(await installState(s)).toBe('old');
    } finally {
      await db.tds!.listen();
    }
  });
});
