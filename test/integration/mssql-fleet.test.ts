import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { fleetSchema, type FleetConfig } from '../../src/main/core/config/schema';
import { queryFleet } from '../../src/main/core/report/fleet-query';
import { FleetReporter } from '../../src/main/core/report/fleet-reporter';
import type { FleetStatus } from '../../src/main/core/report/fleet-types';
import { REAL_SERVER_SKIP_NOTE, TARGETS, openHisDatabase, type HisDatabase } from '../fixtures/tds/his-database';

const timings: Record<string, number> = {};
afterAll(() => console.log(`fleet reporting (ms): ${JSON.stringify(timings)}`));

function status(overrides: Partial<FleetStatus> = {}): FleetStatus {
  return {
    machine: 'WARD3-PC07', user: '护士张三', app: 'nurse', installedVersion: '5.2.0.123', targetVersion: '5.2.0.123',
    state: 'updated', errorCode: null, messageZh: null, durationMs: 8123, bytesMoved: 52_428_800, agentVersion: '0.1.0',
    reportedAt: '2026-11-25T08:00:00.000Z', ...overrides,
  };
}

/** The shipped DDL, with this test's unique table name (constraint names included). */
function shippedDdl(table: string): string {
  const text = fs.readFileSync(path.join(__dirname, '../../sql/his_update_status.sql'), 'utf8');
  return text.replace(/his_update_status/g, table.replace(/^dbo\./, ''));
}

describe.each(TARGETS)('fleet status against %s server', (kind) => {
  let db: HisDatabase;
  let stateDir: string;
  const fleet = (overrides: Partial<FleetConfig> = {}): FleetConfig => fleetSchema.parse({ enabled: true, table: db.tables.status, ...overrides });
  const reporter = (overrides: Partial<FleetConfig> = {}, database = db.config()) =>
    new FleetReporter({ database, fleet: fleet(overrides), secrets: db.secrets, stateDir });
  const queueFile = () => path.join(stateDir, 'fleet-queue.json');

  beforeAll(async () => {
    db = await openHisDatabase(kind);
    await db.run(shippedDdl(db.tables.status));
    await db.run(shippedDdl(db.tables.status)); // running the script twice changes nothing
    await db.run(`CREATE TABLE ${db.tables.history} (machine NVARCHAR(64) NOT NULL, app NVARCHAR(64) NOT NULL, state NVARCHAR(8) NOT NULL, reported_at DATETIME NOT NULL)`);
  });
  beforeEach(async () => {
    stateDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'fleet-state-'));
    await db.run(`DELETE FROM ${db.tables.status}; DELETE FROM ${db.tables.history}`);
  });
  afterEach(async () => fsp.rm(stateDir, { recursive: true, force: true }));
  afterAll(async () => db?.close());

  test('a report upserts one row per machine + app, read back by the fleet query', async () => {
    const started = Date.now();
    const first = await reporter().report(status({ state: 'failed', errorCode: 'UPDATER_FAILED', messageZh: '更新程序 auto_update.exe 运行失败（退出码 1）。', installedVersion: '5.1.0.0' }));
    timings[`${kind}: first report`] = Date.now() - started;
    expect(first).toEqual({ sent: 1, pending: 0, dropped: 0, error: null });
    const second = await reporter().report(status({ reportedAt: '2026-11-25T09:00:00.000Z' }));
    expect(second.sent).toBe(1);
    await reporter().report(status({ app: 'doctor', installedVersion: '3.0.1', targetVersion: '3.0.1', state: 'up-to-date', bytesMoved: 0 }));

    const view = await queryFleet({ database: db.config(), fleet: fleet() }, { secrets: db.secrets });
    expect(view.rows).toHaveLength(2);
    const nurse = view.rows.find((r) => r.app === 'nurse')!;
    expect(nurse).toMatchObject({
      machine: 'WARD3-PC07', user: '护士张三', installedVersion: '5.2.0.123', targetVersion: '5.2.0.123', state: 'updated',
      errorCode: null, messageZh: null, durationMs: 8123, bytesMoved: 52_428_800, agentVersion: '0.1.0',
      reportedAt: '2026-11-25T09:00:00.000Z', silent: false,
    });
    expect(Math.abs(Date.parse(nurse.receivedAt) - Date.now())).toBeLessThan(5 * 60_000);
    expect(view.totals).toEqual({ rows: 2, machines: 1, failed: 0, silent: 0 });
    expect(fs.existsSync(queueFile())).toBe(false);
  });

  test('fleet.statement from config runs instead of the upsert, with the same named inputs', async () => {
    const statement = `INSERT INTO ${db.tables.history} (machine, app, state, reported_at) VALUES (@machine, @app, @state, @reportedAt)`;
    await reporter({ statement }).report(status({ state: 'failed' }));
    await reporter({ statement }).report(status({ state: 'updated', reportedAt: '2026-11-25T10:00:00.000Z' }));
    const rows = await db.run(`SELECT machine, app, state FROM ${db.tables.history} ORDER BY reported_at`);
    expect(rows).toEqual([
      { machine: 'WARD3-PC07', app: 'nurse', state: 'failed' },
      { machine: 'WARD3-PC07', app: 'nurse', state: 'updated' },
    ]);
  });

  test('a row the database refuses (value too long) is dropped; the rows after it still go out', async () => {
    const statement = `INSERT INTO ${db.tables.history} (machine, app, state, reported_at) VALUES (@machine, @app, @state, @reportedAt)`;
    const outcome = await reporter({ statement }).report(status({ state: 'up-to-date' })); // 10 chars into NVARCHAR(8)
    expect(outcome).toMatchObject({ sent: 0, dropped: 1, pending: 0 });
    expect((await reporter({ statement }).report(status({ state: 'updated' }))).sent).toBe(1);
    expect(await db.run(`SELECT state FROM ${db.tables.history}`)).toEqual([{ state: 'updated' }]);
  });

  test('missing status table: DB_FLEET_TABLE_MISSING, the row waits in the queue', async () => {
    const outcome = await reporter({ table: 'dbo.his_no_such_status' }).report(status());
    expect(outcome.pending).toBe(1);
    expect(outcome.error?.code).toBe('DB_FLEET_TABLE_MISSING');
    expect(outcome.error?.zh).toContain('dbo.his_no_such_status');
    expect(outcome.error?.zh).toContain('sql/his_update_status.sql');
    expect(JSON.parse(fs.readFileSync(queueFile(), 'utf8')).rows).toHaveLength(1);
  });

  test('the fleet query: failed first, then silent, then by name; counts per version; prefix filter', async () => {
    const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString().slice(0, 19);
    const insert = (machine: string, version: string, error: string | null, receivedHoursAgo: number) =>
      `INSERT INTO ${db.tables.status} (machine, app, windows_user, installed_version, target_version, state, error_code, reported_at, received_at)
       VALUES (N'${machine}', N'nurse', N'u', N'${version}', N'5.2.0.123', N'${error ? 'failed' : 'updated'}', ${error ? `N'${error}'` : 'NULL'}, '${ago(receivedHoursAgo)}', '${ago(receivedHoursAgo)}');`;
    await db.run([
      insert('A-PC01', '5.2.0.123', null, 1),
      insert('B-PC02', '5.1.0.0', 'UPDATER_FAILED', 2),
      insert('C-PC03', '5.1.0.0', null, 30),
      insert('ICU_01', '5.2.0.123', null, 0.5),
      insert('ICUX01', '5.2.0.123', null, 0.5),
      insert('D-PC04', '5.1.0.0', 'SHARE_UNREACHABLE', 40),
    ].join('\n'));
    const view = await queryFleet({ database: db.config(), fleet: fleet() }, { secrets: db.secrets, silentHours: 24 });
    expect(view.rows.map((r) => r.machine)).toEqual(['B-PC02', 'D-PC04', 'C-PC03', 'A-PC01', 'ICU_01', 'ICUX01']);
    expect(view.rows.map((r) => r.silent)).toEqual([false, true, true, false, false, false]);
    expect(view.countsByVersion).toEqual([
      { app: 'nurse', version: '5.2.0.123', count: 3 },
      { app: 'nurse', version: '5.1.0.0', count: 3 },
    ]);
    expect(view.totals).toEqual({ rows: 6, machines: 6, failed: 2, silent: 2 });
    const icu = await queryFleet({ database: db.config(), fleet: fleet() }, { secrets: db.secrets, prefix: 'ICU_' });
    expect(icu.rows.map((r) => r.machine)).toEqual(['ICU_01']);
  });
});

describe('fleet queue when the database is away (TDS test server)', () => {
  let db: HisDatabase;
  let stateDir: string;
  beforeAll(async () => {
    db = await openHisDatabase('tds');
    await db.run(shippedDdl(db.tables.status));
  });
  beforeEach(async () => {
    stateDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'fleet-state-'));
    await db.run(`DELETE FROM ${db.tables.status}`);
  });
  afterEach(async () => fsp.rm(stateDir, { recursive: true, force: true }));
  afterAll(async () => db?.close());
  const reporter = (overrides: Partial<FleetConfig> = {}) =>
    new FleetReporter({ database: db.config({ connectTimeoutSeconds: 1 }), fleet: fleetSchema.parse({ enabled: true, table: db.tables.status, ...overrides }), secrets: db.secrets, stateDir });

  test('rows wait on disk while the server is down and go out oldest first when it is back', async () => {
    const agent = reporter();
    await db.tds!.stopListening();
    const outcomes = [];
    for (const [i, machine] of ['PC-1', 'PC-2', 'PC-3'].entries()) {
      const started = Date.now();
      outcomes.push(await agent.report(status({ machine, reportedAt: `2026-11-25T0${i}:00:00.000Z` })));
      timings[`report while refused #${i + 1}`] = Date.now() - started;
    }
    expect(outcomes.map((o) => o.pending)).toEqual([1, 2, 3]);
    expect(outcomes.every((o) => o.error?.code === 'DB_UNREACHABLE' && o.sent === 0)).toBe(true);
    expect(Math.max(...outcomes.map((_, i) => timings[`report while refused #${i + 1}`]!))).toBeLessThan(1000);
    const queued = JSON.parse(await fsp.readFile(path.join(stateDir, 'fleet-queue.json'), 'utf8'));
    expect(queued.rows.map((r: FleetStatus) => r.machine)).toEqual(['PC-1', 'PC-2', 'PC-3']);

    await db.tds!.listen();
    const mark = db.tds!.requests.length;
    const drained = await reporter().drain();
    expect(drained).toEqual({ sent: 3, pending: 0, dropped: 0, error: null });
    const order = db.tds!.requests.slice(mark).filter((r) => r.sql.includes('UPDATE')).map((r) => r.params['@machine']);
    expect(order).toEqual(['PC-1', 'PC-2', 'PC-3']);
    expect(fs.existsSync(path.join(stateDir, 'fleet-queue.json'))).toBe(false);
    expect((await db.run(`SELECT machine FROM ${db.tables.status} ORDER BY machine`)).map((r) => r.machine)).toEqual(['PC-1', 'PC-2', 'PC-3']);
  });

  test('a silent server delays a report only by the connect timeout', async () => {
    db.tds!.options.behavior = 'silent';
    try {
      const started = Date.now();
      const outcome = await reporter().report(status());
      timings['report against a silent server (1 s timeout)'] = Date.now() - started;
      expect(outcome.error?.code).toBe('DB_TIMEOUT');
      expect(outcome.pending).toBe(1);
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      db.tds!.options.behavior = 'normal';
    }
  });

  test('the queue is bounded: the oldest rows go first', async () => {
    await db.tds!.stopListening();
    const agent = reporter({ queueLimit: 2 });
    await agent.report(status({ machine: 'PC-1' }));
    await agent.report(status({ machine: 'PC-2' }));
    const third = await agent.report(status({ machine: 'PC-3' }));
    expect(third).toMatchObject({ pending: 2, dropped: 1, sent: 0 });
    await db.tds!.listen();
    expect((await agent.drain()).sent).toBe(2);
    expect((await db.run(`SELECT machine FROM ${db.tables.status} ORDER BY machine`)).map((r) => r.machine)).toEqual(['PC-2', 'PC-3']);
  });

  test('fleet disabled: nothing is sent or queued', async () => {
    const outcome = await reporter({ enabled: false }).report(status());
    expect(outcome).toEqual({ sent: 0, pending: 0, dropped: 0, error: null, disabled: true });
    expect(fs.existsSync(path.join(stateDir, 'fleet-queue.json'))).toBe(false);
  });
});

describe.skipIf(!!process.env.HIS_TEST_MSSQL)('fleet against a real SQL Server', () => {
  test.skip(REAL_SERVER_SKIP_NOTE, () => {});
});
