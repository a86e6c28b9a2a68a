import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DatabaseConfig } from '../../src/main/core/config/schema';
import { DefaultSecretResolver } from '../../src/main/core/config/secrets';
import { AgentError } from '../../src/main/core/errors/agent-error';
import { MssqlVersionSource } from '../../src/main/core/version/mssql-source';
import type { VersionQuery } from '../../src/main/core/version/version-source';
import { REAL_SERVER_SKIP_NOTE, TARGETS, openHisDatabase, type HisDatabase } from '../fixtures/tds/his-database';
import { unusedPort } from '../helpers/ports';

const QUERY: VersionQuery = { appId: 'nurse', machine: 'WARD3-PC07', user: '护士张三', currentVersion: '5.1.0.0' };
const timings: Record<string, number> = {};

function versionQuery(table: string): string {
  return `SELECT TOP 1 version, share_path, mandatory, minimum_version, release_notes FROM ${table}
 WHERE app = @app AND (machine IS NULL OR machine = @machine) ORDER BY machine DESC`;
}

/** Runs a check that must fail; returns the AgentError and records how long the failure took. */
async function failure(name: string, run: () => Promise<unknown>): Promise<AgentError> {
  const started = Date.now();
  const error = await run().then(
    () => { throw new Error(`${name}: expected a failure`); },
    (e: unknown) => e,
  );
  timings[name] = Date.now() - started;
  expect(error).toBeInstanceOf(AgentError);
  return error as AgentError;
}

function expectNoSecret(error: AgentError, password: string): void {
  for (const text of [error.zh, error.en, error.detail, JSON.stringify(error.toJSON())]) expect(text).not.toContain(password);
}

afterAll(() => {
  console.log(`mssql version source, time to each outcome (ms): ${JSON.stringify(timings)}`);
});

describe.each(TARGETS)('mssql version source against %s server', (kind) => {
  let db: HisDatabase;
  let table: string;
  const source = (query: string, overrides: Partial<DatabaseConfig> = {}) =>
    new MssqlVersionSource({ database: db.config(overrides), query, secrets: db.secrets, appDisplayName: '护士工作站' });

  beforeAll(async () => {
    db = await openHisDatabase(kind);
    table = db.tables.versions;
    await db.run(`CREATE TABLE ${table} (app NVARCHAR(64) NOT NULL, machine NVARCHAR(64) NULL, version NVARCHAR(64) NULL,
      share_path NVARCHAR(260) NULL, mandatory BIT NULL, minimum_version NVARCHAR(64) NULL, release_notes NVARCHAR(MAX) NULL, version_number INT NULL)`);
    await db.run(`INSERT INTO ${table} (app, machine, version, share_path, mandatory, minimum_version, release_notes, version_number) VALUES
      (N'nurse', NULL, N'5.2.0.123', N'\\\\his-fs\\update\\nurse\\5.2.0.123', 1, N'5.1.0.0', N'修复医嘱打印', 20200302),
      (N'nurse', N'WARD3-PC07', N'5.3.0.1', NULL, 0, NULL, NULL, NULL),
      (N'doctor', NULL, N'', NULL, NULL, NULL, NULL, NULL),
      (N'lab', NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
  });
  afterAll(async () => db?.close());

  test('returns the version row chosen by the parameters the server read off the wire', async () => {
    const started = Date.now();
    const pilot = await source(versionQuery(table)).getTarget(QUERY);
    timings[`${kind}: version (pilot PC)`] = Date.now() - started;
    expect(pilot).toEqual({ version: '5.3.0.1', mandatory: false, source: 'mssql' });
    const other = await source(versionQuery(table)).getTarget({ ...QUERY, machine: 'ICU-PC01', currentVersion: null });
    expect(other).toEqual({
      version: '5.2.0.123',
      sharePath: '\\\\his-fs\\update\\nurse\\5.2.0.123',
      mandatory: true,
      minimumVersion: '5.1.0.0',
      releaseNotes: '修复医嘱打印',
      source: 'mssql',
    });
    if (db.tds) {
      const sent = db.tds.requests.filter((r) => r.sql.includes(table) && r.kind === 'rpc');
      expect(sent.at(-2)!.params).toEqual({ '@app': 'nurse', '@machine': 'WARD3-PC07', '@user': '护士张三', '@currentversion': '5.1.0.0' });
      expect(sent.at(-1)!.params).toMatchObject({ '@machine': 'ICU-PC01', '@currentversion': null });
      // One short-lived pool per check: no connection stays open afterwards.
      await new Promise((r) => setTimeout(r, 100));
      expect(db.tds.stats.active).toBe(1); // the test's own admin connection
    }
  });

  test('camelCase result columns are read too', async () => {
    const target = await source(`SELECT version, share_path AS sharePath, minimum_version AS minimumVersion, release_notes AS releaseNotes FROM ${table} WHERE app = @app AND machine IS NULL`).getTarget(QUERY);
    expect(target).toMatchObject({ version: '5.2.0.123', sharePath: '\\\\his-fs\\update\\nurse\\5.2.0.123', minimumVersion: '5.1.0.0', releaseNotes: '修复医嘱打印' });
  });

  test('zero rows: DB_APP_NOT_REGISTERED names the app', async () => {
    const error = await failure(`${kind}: zero rows`, () => source(versionQuery(table)).getTarget({ ...QUERY, appId: 'pharmacy' }));
    expect(error.code).toBe('DB_APP_NOT_REGISTERED');
    expect(error.zh).toContain('护士工作站（pharmacy）');
  });

  test('empty, NULL and non-text versions: DB_VERSION_INVALID', async () => {
    const empty = await failure(`${kind}: empty version`, () => source(versionQuery(table)).getTarget({ ...QUERY, appId: 'doctor' }));
    expect(empty.code).toBe('DB_VERSION_INVALID');
    expect(empty.zh).toContain('空');
    const missing = await failure(`${kind}: NULL version`, () => source(versionQuery(table)).getTarget({ ...QUERY, appId: 'lab' }));
    expect(missing.code).toBe('DB_VERSION_INVALID');
    expect(missing.zh).toContain('NULL');
    const numeric = await failure(`${kind}: INT version`, () => source(`SELECT version_number AS version FROM ${table} WHERE app = @app AND machine IS NULL`).getTarget(QUERY));
    expect(numeric.code).toBe('DB_VERSION_INVALID');
    expect(numeric.zh).toContain('20200302');
    expect(numeric.zh).toContain('CAST');
  });

  test('unknown table (208) and unknown column (207): DB_QUERY_INVALID names the setting', async () => {
    const noTable = await failure(`${kind}: 208 invalid object`, () => source(`SELECT version FROM dbo.no_such_table WHERE app = @app`).getTarget(QUERY));
    expect(noTable.code).toBe('DB_QUERY_INVALID');
    expect(noTable.zh).toContain('versionSource.query');
    expect(noTable.zh).toContain('208');
    expect(noTable.zh).toContain('no_such_table');
    const noColumn = await failure(`${kind}: 207 invalid column`, () => source(`SELECT no_such_column AS version FROM ${table} WHERE app = @app`).getTarget(QUERY));
    expect(noColumn.code).toBe('DB_QUERY_INVALID');
    expect(noColumn.zh).toContain('207');
    expect(noColumn.zh).toContain('no_such_column');
  });

  test('wrong password: DB_LOGIN_FAILED (18456) names the user, never the password', async () => {
    const wrong = new MssqlVersionSource({
      database: db.config({ authentication: { type: 'sql', user: db.config().authentication.user, password: { env: 'WRONG_PASSWORD' } } }),
      query: versionQuery(table),
      secrets: new DefaultSecretResolver({ WRONG_PASSWORD: 'Not-The-Password-1' }),
    });
    const error = await failure(`${kind}: 18456 login failed`, () => wrong.getTarget(QUERY));
    expect(error.code).toBe('DB_LOGIN_FAILED');
    expect(error.zh).toContain(db.config().authentication.user);
    expect(error.detail).not.toContain('Not-The-Password-1');
    expectNoSecret(error, db.password);
  });

  test('unknown database: DB_UNKNOWN_DATABASE (4060) names the database and user', async () => {
    const error = await failure(`${kind}: 4060 unknown database`, () => source(versionQuery(table), { database: 'his_typo' }).getTarget(QUERY));
    expect(error.code).toBe('DB_UNKNOWN_DATABASE');
    expect(error.zh).toContain('his_typo');
    expect(error.zh).toContain(db.config().authentication.user);
    expectNoSecret(error, db.password);
  });

  test('a query slower than requestTimeoutSeconds: DB_TIMEOUT after the request timeout, connection cancelled cleanly', async () => {
    const slow = source(`WAITFOR DELAY '00:00:05'; ${versionQuery(table)}`, { requestTimeoutSeconds: 1 });
    const error = await failure(`${kind}: request timeout (1 s)`, () => slow.getTarget(QUERY));
    expect(error.code).toBe('DB_TIMEOUT');
    expect(error.zh).toContain('1 秒');
    expect(timings[`${kind}: request timeout (1 s)`]).toBeLessThan(4000);
    // The server took the attention and answers the next check at once.
    await expect(source(versionQuery(table)).getTarget(QUERY)).resolves.toMatchObject({ version: '5.3.0.1' });
  });
});

describe('mssql version source: servers that are not there', () => {
  let db: HisDatabase;
  beforeAll(async () => { db = await openHisDatabase('tds'); });
  afterAll(async () => db?.close());
  const check = (overrides: Partial<DatabaseConfig>) =>
    new MssqlVersionSource({ database: db.config(overrides), query: 'SELECT 1 AS version', secrets: db.secrets }).getTarget(QUERY);

  test('nothing listening: DB_UNREACHABLE names server and port', async () => {
    const port = await unusedPort();
    const error = await failure('refused', () => check({ port }));
    expect(error.code).toBe('DB_UNREACHABLE');
    expect(error.zh).toContain(`127.0.0.1:${port}`);
    expect(timings.refused).toBeLessThan(1000);
  });

  test('accepts TCP and never answers: DB_TIMEOUT after connectTimeoutSeconds', async () => {
    db.tds!.options.behavior = 'silent';
    try {
      const error = await failure('silent server (connect timeout 1 s)', () => check({ connectTimeoutSeconds: 1 }));
      expect(error.code).toBe('DB_TIMEOUT');
      expect(error.zh).toContain(`127.0.0.1:${db.tds!.port}`);
      expect(error.zh).toContain('1 秒');
      expect(timings['silent server (connect timeout 1 s)']).toBeLessThan(2500);
    } finally {
      db.tds!.options.behavior = 'normal';
    }
  });

  test('accepts TCP and closes at once: DB_CONNECTION_CLOSED', async () => {
    db.tds!.options.behavior = 'close';
    try {
      const error = await failure('closed at once', () => check({}));
      expect(error.code).toBe('DB_CONNECTION_CLOSED');
      expect(error.zh).toContain(`127.0.0.1:${db.tds!.port}`);
    } finally {
      db.tds!.options.behavior = 'normal';
    }
  });

  test('logs in but never answers the pool\'s SELECT 1: DB_TIMEOUT after connect + request timeout, not tarn\'s 30 s', async () => {
    db.tds!.options.stall = /^SELECT 1;$/;
    try {
      const error = await failure('SELECT 1 never answered (1 s + 1 s)', () => check({ connectTimeoutSeconds: 1, requestTimeoutSeconds: 1 }));
      expect(error.code).toBe('DB_TIMEOUT');
      expect(timings['SELECT 1 never answered (1 s + 1 s)']).toBeLessThan(4000);
    } finally {
      db.tds!.options.stall = undefined;
    }
  });

  test('a hanging query whose cancel is never acknowledged: DB_TIMEOUT after request timeout + 2 s cancel wait', async () => {
    Object.assign(db.tds!.options, { stall: /his_hang/, ignoreAttention: true });
    try {
      const source = new MssqlVersionSource({ database: db.config({ requestTimeoutSeconds: 1 }), query: 'SELECT 1 AS version FROM his_hang', secrets: db.secrets });
      const error = await failure('query hangs, cancel ignored (1 s)', () => source.getTarget(QUERY));
      expect(error.code).toBe('DB_TIMEOUT');
      expect(timings['query hangs, cancel ignored (1 s)']).toBeLessThan(5000);
    } finally {
      Object.assign(db.tds!.options, { stall: undefined, ignoreAttention: false });
    }
  });

  test('an abort signal ends a hanging check at once with CANCELLED', async () => {
    db.tds!.options.behavior = 'silent';
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);
      const source = new MssqlVersionSource({ database: db.config({ connectTimeoutSeconds: 30 }), query: 'SELECT 1 AS version', secrets: db.secrets });
      const error = await failure('cancelled', () => source.getTarget({ ...QUERY, signal: controller.signal }));
      expect(error.code).toBe('CANCELLED');
      expect(timings.cancelled).toBeLessThan(1000);
    } finally {
      db.tds!.options.behavior = 'normal';
    }
  });
});

describe.skipIf(!!process.env.HIS_TEST_MSSQL)('real SQL Server', () => {
  test.skip(REAL_SERVER_SKIP_NOTE, () => {});
});

